package io.callstream.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The machine-readable API descriptions, {@code GET /openapi.yaml} (HTTP) and {@code GET
 * /asyncapi.yaml} (the WebSocket feed), the classpath files {@code api/*.yaml}: unauthenticated
 * (they hold no secrets), as {@code application/yaml}, revalidated like the console's files ({@code
 * Cache-Control: no-cache}) but with an ETag of their content, so every node of a cluster answers
 * the same validator and 304 to {@code If-None-Match}. Each file is read once per verticle
 * instance, asynchronously, then kept (they are a few tens of KiB).
 */
public final class ApiDescriptionRoutes {
  public static final String OPENAPI = "/openapi.yaml";
  public static final String ASYNCAPI = "/asyncapi.yaml";
  static final String CONTENT_TYPE = "application/yaml";

  private record Document(Buffer body, String etag) {}

  private final Vertx vertx;

  /** Only touched on this instance's event loop. */
  private final Map<String, Future<Document>> documents = new HashMap<>();

  public ApiDescriptionRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  public void addRoutes(Router router) {
    router.get(OPENAPI).handler(ctx -> serve(ctx, "api" + OPENAPI));
    router.get(ASYNCAPI).handler(ctx -> serve(ctx, "api" + ASYNCAPI));
  }

  private void serve(RoutingContext ctx, String resource) {
    Future<Document> document =
        documents.computeIfAbsent(
            resource,
            r ->
                vertx
                    .fileSystem()
                    .readFile(r)
                    .map(body -> new Document(body, etag(body)))
                    .onFailure(
                        e -> documents.remove(r))); // a failed read is retried by the next request
    document
        .onSuccess(
            doc -> {
              ctx.response()
                  .headers()
                  .set(HttpHeaders.CACHE_CONTROL, ConsoleRoutes.CACHE_CONTROL)
                  .set(HttpHeaders.ETAG, doc.etag())
                  .set("X-Content-Type-Options", "nosniff");
              if (doc.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                ctx.response().setStatusCode(304).end();
              } else {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(doc.body());
              }
            })
        .onFailure(ctx::fail);
  }

  private static String etag(Buffer body) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body.getBytes());
      return '"' + HexFormat.of().formatHex(hash, 0, 16) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
