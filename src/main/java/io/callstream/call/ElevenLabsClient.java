package io.callstream.call;

import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.http.HttpResponseHead;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * ElevenLabs' REST API (base ELEVENLABS_API_URL, header {@code xi-api-key}) through a {@link
 * WebClient}: starting an outbound Twilio call, registering an inbound one, and reading a
 * conversation. Connect and request timeouts are ELEVENLABS_API_TIMEOUT_MS unless a call says
 * otherwise. Every failure is an {@link ElevenLabsException} carrying the status and a truncated
 * response body. Never retries.
 */
public final class ElevenLabsClient {
  static final String OUTBOUND_CALL = "/v1/convai/twilio/outbound-call";
  static final String CONVERSATION = "/v1/convai/conversations/";
  static final String REGISTER_CALL = "/v1/convai/twilio/register-call";

  /**
   * Connections per verticle instance; more concurrent requests wait (within the connect timeout).
   */
  static final int MAX_CONNECTIONS = 50;

  private final WebClient client;
  private final Config.ElevenLabs settings;
  private final String basePath;
  private final CallMetrics metrics;

  /** What a successful outbound-call request returned (either id may be null). */
  public record Dialled(String conversationId, String twilioCallSid) {}

  public ElevenLabsClient(Vertx vertx, Config.ElevenLabs settings, CallMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    URI uri = settings.apiUrl();
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getPath() == null ? "" : uri.getPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost(uri.getHost())
                .setDefaultPort(port)
                .setSsl(tls)
                .setConnectTimeout(settings.timeoutMs())
                .setUserAgent("callstream"),
            new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
  }

  /** POST /v1/convai/twilio/outbound-call; fails unless HTTP 200 with {@code success:true}. */
  public Future<Dialled> outboundCall(String toNumber, Map<String, Object> dynamicVariables) {
    JsonObject body =
        new JsonObject()
            .put("agent_id", settings.agentId())
            .put("agent_phone_number_id", settings.phoneNumberId())
            .put("to_number", toNumber)
            .put(
                "conversation_initiation_client_data",
                new JsonObject().put("dynamic_variables", new JsonObject(dynamicVariables)));
    return metrics
        .elevenLabs(
            "outbound_call", request(client.post(basePath + OUTBOUND_CALL)).sendJsonObject(body))
        .recover(ElevenLabsClient::unreachable)
        .expecting(HttpResponseExpectation.SC_OK.wrappingFailure(ElevenLabsClient::httpFailure))
        .compose(
            response -> {
              JsonObject json = json(response);
              if (!Boolean.TRUE.equals(json.getValue("success"))) {
                return Future.failedFuture(
                    new ElevenLabsException(
                        ElevenLabsException.Kind.REJECTED,
                        200,
                        "success:false: " + ElevenLabsException.truncate(response.bodyAsString())));
              }
              return Future.succeededFuture(
                  new Dialled(json.getString("conversation_id"), json.getString("callSid")));
            });
  }

  /**
   * GET /v1/convai/conversations/{id}: the conversation (same shape as a post-call webhook's data).
   */
  public Future<JsonObject> conversation(String conversationId) {
    String path =
        basePath + CONVERSATION + URLEncoder.encode(conversationId, StandardCharsets.UTF_8);
    return metrics
        .elevenLabs("conversation", request(client.get(path)).send())
        .recover(ElevenLabsClient::unreachable)
        .expecting(HttpResponseExpectation.SC_OK.wrappingFailure(ElevenLabsClient::httpFailure))
        .map(ElevenLabsClient::json);
  }

  /**
   * POST /v1/convai/twilio/register-call: registers an inbound Twilio call with {@code agentId} and
   * returns the TwiML to hand back to Twilio (a JSON string holding it is unwrapped; the caller
   * checks it, never trusts it). Bounded by {@code timeoutMs} for connect and answer: Twilio waits
   * 15 s for the voice webhook's answer.
   */
  public Future<String> registerTwilioCall(
      String agentId,
      String fromNumber,
      String toNumber,
      Map<String, Object> dynamicVariables,
      int timeoutMs) {
    JsonObject body =
        new JsonObject()
            .put("agent_id", agentId)
            .put("from_number", fromNumber)
            .put("to_number", toNumber)
            .put("direction", "inbound")
            .put(
                "conversation_initiation_client_data",
                new JsonObject().put("dynamic_variables", new JsonObject(dynamicVariables)));
    return metrics
        .elevenLabs(
            "register_call",
            request(client.post(basePath + REGISTER_CALL), timeoutMs)
                .putHeader("Accept", "application/xml, text/xml, application/json")
                .sendJsonObject(body))
        .recover(ElevenLabsClient::unreachable)
        .expecting(HttpResponseExpectation.SC_OK.wrappingFailure(ElevenLabsClient::httpFailure))
        .map(ElevenLabsClient::twiml);
  }

  private HttpRequest<Buffer> request(HttpRequest<Buffer> request) {
    return request(request, settings.timeoutMs());
  }

  private HttpRequest<Buffer> request(HttpRequest<Buffer> request, int timeoutMs) {
    return request
        .putHeader("xi-api-key", settings.apiKey() == null ? "" : settings.apiKey())
        .putHeader("Accept", "application/json")
        .connectTimeout(timeoutMs)
        .timeout(timeoutMs);
  }

  /** The body is the TwiML document; a JSON string holding it is unwrapped too. */
  private static String twiml(HttpResponse<Buffer> response) {
    String text = response.bodyAsString();
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.startsWith("\"")) {
      try {
        if (Json.decodeValue(trimmed) instanceof String s) {
          return s;
        }
      } catch (DecodeException e) {
        // not JSON: checked as XML by the caller
      }
    }
    return trimmed;
  }

  private static <T> Future<T> unreachable(Throwable e) {
    String why =
        e instanceof TimeoutException
                || String.valueOf(e.getMessage()).toLowerCase().contains("timeout")
            ? "timeout"
            : "unreachable";
    return Future.failedFuture(
        new ElevenLabsException(
            ElevenLabsException.Kind.UPSTREAM,
            0,
            why + ": " + ElevenLabsException.truncate(String.valueOf(e.getMessage()))));
  }

  private static Throwable httpFailure(HttpResponseHead response, Throwable cause) {
    int status = response.statusCode();
    String body = response instanceof HttpResponse<?> r ? r.bodyAsString() : null;
    ElevenLabsException.Kind kind =
        status == 404
            ? ElevenLabsException.Kind.NOT_FOUND
            : status >= 400 && status < 500
                ? ElevenLabsException.Kind.REJECTED
                : ElevenLabsException.Kind.UPSTREAM;
    return new ElevenLabsException(
        kind, status, "HTTP " + status + ": " + ElevenLabsException.truncate(body));
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    try {
      Object value = response.body() == null ? null : Json.decodeValue(response.body());
      if (value instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException e) {
      // reported below
    }
    throw new ElevenLabsException(
        ElevenLabsException.Kind.UPSTREAM,
        response.statusCode(),
        "not a JSON object: " + ElevenLabsException.truncate(response.bodyAsString()));
  }
}
