package io.callstream.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a client may take to send a request (HTTP_REQUEST_TIMEOUT_SECONDS), against
 * clients that hold a connection open by sending slowly, which the idle timeout alone cannot catch:
 *
 * <ul>
 *   <li>a new connection must deliver its first request's headers in time (a half-sent request or
 *       upgrade is closed);
 *   <li>a request with a body must deliver all of it in time, else it is answered 408 and the
 *       connection closed.
 * </ul>
 *
 * Time spent answering is not counted. Between requests of a kept-alive connection the idle timeout
 * applies, and so it does on an upgraded WebSocket (which the server's pings keep busy): a
 * WebSocket is never subject to this deadline once its upgrade request's headers are in. One
 * instance per HTTP server (it is confined to that server's event loop): its {@link #connected} is
 * the server's connection handler, it is the first handler of the server's router, and {@link
 * #handshakes} wraps the server's WebSocket handshake handler (upgrades never reach the router).
 * The server must not offer h2c (HTTP/2 over cleartext): while it does, Vert.x creates the
 * connection only once the first request's headers are complete, too late to time them.
 */
public final class RequestDeadlines implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final long millis;

  /**
   * Connections that have not yet delivered a request's headers, by their peer's address (what a
   * WebSocket handshake knows of its connection; unique per open connection) -> their timer.
   */
  private final Map<SocketAddress, Long> awaitingHeaders = new HashMap<>();

  public RequestDeadlines(Vertx vertx, int seconds) {
    this.vertx = vertx;
    this.millis = TimeUnit.SECONDS.toMillis(seconds);
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void connected(HttpConnection connection) {
    SocketAddress peer = connection.remoteAddress();
    if (peer == null) {
      return; // not a network connection; nothing to key it by (never the case for the TCP server)
    }
    long timer =
        vertx.setTimer(
            millis,
            id -> {
              if (awaitingHeaders.remove(peer) != null) {
                connection.close();
              }
            });
    awaitingHeaders.put(peer, timer);
    connection.closeHandler(v -> cancel(peer));
  }

  /**
   * For {@code HttpServer.webSocketHandshakeHandler}: an upgrade's headers are in, so its
   * connection's deadline ends (a WebSocket is bounded by the idle timeout and the server's pings,
   * not by this), then {@code next} decides on the handshake.
   */
  public Handler<ServerWebSocketHandshake> handshakes(Handler<ServerWebSocketHandshake> next) {
    return hs -> {
      cancel(hs.remoteAddress());
      next.handle(hs);
    };
  }

  /**
   * The headers are in: the connection's header deadline ends, the body deadline (if any) starts.
   */
  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    cancel(request.connection().remoteAddress());
    if (hasBody(request)) {
      long timer = vertx.setTimer(millis, id -> expired(request));
      // cancelled once answered (or closed): time spent answering is the server's, not the client's
      ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }

  private void cancel(SocketAddress peer) {
    if (peer == null) {
      return;
    }
    Long timer = awaitingHeaders.remove(peer);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null
        ? !length.trim().equals("0")
        : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  /**
   * The body did not arrive in time: 408 when nothing was answered yet; the connection is closed
   * either way.
   */
  private static void expired(HttpServerRequest request) {
    if (request.isEnded()) {
      return; // received in full; the handler is still working on it
    }
    var response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    Responses.json(
            response.setStatusCode(408).putHeader(HttpHeaders.CONNECTION, "close"),
            Responses.error(
                io.callstream.failure.ErrorCode.REQUEST_TIMEOUT,
                "request body not received in time"))
        .onComplete(ar -> request.connection().close());
  }
}
