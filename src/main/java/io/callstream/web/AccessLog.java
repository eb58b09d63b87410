package io.callstream.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One line per HTTP request, written when the response ends, on the logger {@code
 * callstream.access}: {@code access method=GET route=/calls/:id status=200 ms=3.1 bytes=512
 * client=10.0.0.7}, plus {@code error="..."} when the request failed. The route is the router's
 * template, never the raw path (identifiers) or the query string (the WebSocket's {@code ?token=});
 * the client is the address resolved behind trusted proxies. With LOG_FORMAT=json the same keys are
 * JSON fields.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger("callstream.access");

  /**
   * Set on a request whose own line already carries the access fields (a webhook's {@code webhook
   * ...} line): it gets that one line instead of two, which on the ingest path is a quarter of the
   * throughput.
   */
  public static final String LOGGED_ELSEWHERE = "callstream.access.elsewhere";

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
    if (!LOG.isLoggable(Level.INFO) || ctx.get(LOGGED_ELSEWHERE) != null) {
      return;
    }
    HttpServerRequest request = ctx.request();
    Object error = ctx.get(FailureHandler.ERROR_KEY);
    StringBuilder line =
        new StringBuilder(128)
            .append("access method=")
            .append(request.method().name())
            .append(" route=")
            .append(FailureHandler.route(ctx))
            .append(" status=")
            .append(ctx.response().getStatusCode())
            .append(" ms=")
            .append(Math.round((System.nanoTime() - start) / 1e5) / 10.0)
            .append(" bytes=")
            .append(ctx.response().bytesWritten())
            .append(" client=")
            .append(clients.of(request));
    if (error != null) {
      line.append(" error=\"").append(error.toString().replace('"', '\'')).append('"');
    }
    LOG.info(line.toString());
  }
}
