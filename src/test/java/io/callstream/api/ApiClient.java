package io.callstream.api;

import io.callstream.app.Node;
import io.callstream.auth.Tokens;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** A blocking test client of one node's HTTP API, with tokens minted by the node's own key. */
public final class ApiClient {
  private final Node node;
  private final WebClient client;
  private final Tokens tokens;

  public ApiClient(Vertx vertx, Node node) {
    this.node = node;
    this.client = Http.client(vertx);
    this.tokens = new Tokens(vertx, node.config().auth());
  }

  /** A valid token for a user of that role. */
  public String token(String role) {
    return tokens.issue("test-" + role, role);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body) {
    HttpRequest<Buffer> request = client.request(method, node.port(), "127.0.0.1", path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    if (body == null) {
      return Await.result(request.send());
    }
    if (body instanceof String raw) {
      return Await.result(
          request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(raw)));
    }
    return Await.result(request.sendJson(body));
  }

  public HttpResponse<Buffer> get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  public HttpResponse<Buffer> post(String path, String token, Object body) {
    return send(HttpMethod.POST, path, token, body);
  }

  public HttpResponse<Buffer> put(String path, String token, Object body) {
    return send(HttpMethod.PUT, path, token, body);
  }

  /** The error text of a {"status":"error","error":...} answer. */
  public static String error(HttpResponse<Buffer> response) {
    JsonObject body = response.bodyAsJsonObject();
    if (!"error".equals(body.getString("status"))) {
      throw new AssertionError("not an error answer: " + response.bodyAsString());
    }
    return body.getString("error");
  }
}
