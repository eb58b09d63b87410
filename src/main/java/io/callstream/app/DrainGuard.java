package io.callstream.app;

import io.callstream.failure.Failure;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * First handler of every route: counts in-flight requests (the drain waits for them) and, once the
 * node is draining, refuses new webhooks and WebSocket upgrades with 503 so that the load balancer
 * or ElevenLabs' retry takes them to another node.
 */
final class DrainGuard implements Handler<RoutingContext> {
  private final NodeState node;

  DrainGuard(NodeState node) {
    this.node = node;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    boolean webhook = path.startsWith("/webhooks/") || path.startsWith("/twilio/");
    boolean socket = path.startsWith("/ws/");
    if (node.draining() && (webhook || socket)) {
      ctx.response().putHeader("Connection", "close");
      ctx.fail(Failure.unavailable("node is draining, retry on another node"));
      return;
    }
    if (!socket) {
      node.requestStarted();
      ctx.addEndHandler(v -> node.requestFinished());
    }
    ctx.next();
  }
}
