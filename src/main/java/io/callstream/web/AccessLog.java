package io.callstream.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Logger;

/**
 * One line per HTTP request, written when the response ends, on the logger {@code callstream.access}:
 * {@code access method=GET route=/calls/:id status=200 ms=3.1 bytes=512 client=10.0.0.7}, plus
 * {@code error="..."} when the request failed. The route is the router's template, never the raw path (identifiers)
 * or the query string (the WebSocket's {@code ?token=}); the client is the address resolved behind trusted proxies.
 * With LOG_FORMAT=json the same keys are JSON fields.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger("callstream.access");

  private final ClientAddress clients;

  public AccessLog(ClientAddress clients) {
    this.clients = clients;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(v -> log(ctx, start));
    ctx.next();
  }

  private void log(RoutingContext ctx, long start) {
    if (!LOG.isLoggable(java.util.logging.Level.INFO)) {
      return;
    }
    HttpServerRequest request = ctx.request();
    Object error = ctx.get(FailureHandler.ERROR_KEY);
    String line = String.format("access method=%s route=%s status=%d ms=%.1f bytes=%d client=%s%s",
        request.method().name(), FailureHandler.route(ctx), ctx.response().getStatusCode(),
        (System.nanoTime() - start) / 1e6, ctx.response().bytesWritten(), clients.of(request),
        error == null ? "" : " error=\"" + error.toString().replace('"', '\'') + "\"");
    LOG.info(line);
  }
}
