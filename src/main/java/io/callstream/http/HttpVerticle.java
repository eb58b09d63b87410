package io.callstream.http;

import io.callstream.Services;
import io.callstream.config.Config.Role;
import io.callstream.console.ConsoleRoutes;
import io.callstream.live.LiveRole;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One HTTP verticle instance (deployed HTTP_INSTANCES times, all sharing HTTP_PORT). It only assembles the
 * node's roles: the webhook role (verify, store, publish) and the live role (WebSocket feed with this
 * instance's own subscriptions), plus the API routes for people and scripts. NODE_ROLES picks which.
 */
public final class HttpVerticle extends VerticleBase {
  private final Services services;
  private LiveRole live;
  private HttpServer server;

  public HttpVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router router = buildRouter(vertx);
    Future<?> liveReady = live == null ? Future.succeededFuture() : live.start();
    HttpServerOptions options = new HttpServerOptions()
        .setPort(services.config().http().port())
        .setMaxWebSocketFrameSize(65_536)
        .setMaxWebSocketMessageSize(65_536)
        .setRegisterWebSocketWriteHandlers(false)
        .setPerMessageWebSocketCompressionSupported(false)  // no per-socket zlib state: small idle sockets
        .setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout(0);
    server = vertx.createHttpServer(options).requestHandler(router);
    return liveReady.compose(v -> server.listen());
  }

  /** Every route this instance serves, assembled from the roles NODE_ROLES names (also used by tests). */
  public Router buildRouter(io.vertx.core.Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(new DrainGuard(services.node()));
    new HealthRoutes(services).addRoutes(router);
    if (services.config().http().has(Role.WEBHOOK)) {
      new WebhookRole(vertx, services).addRoutes(router);
    }
    if (services.config().http().has(Role.LIVE)) {
      live = new LiveRole(vertx, services);
      live.addRoutes(router);
    }
    if (services.config().http().has(Role.API)) {
      new ApiRoutes(vertx, services).addRoutes(router);
    }
    new ConsoleRoutes().addRoutes(router);
    router.route().last().handler(ctx -> ctx.fail(HttpError.notFound("no such endpoint")));
    router.route().failureHandler(new FailureHandler());
    return router;
  }

  @Override
  public Future<?> stop() {
    Future<?> closing = live == null ? Future.succeededFuture() : live.stop();
    return closing.recover(e -> Future.succeededFuture()).compose(v -> server == null ? Future.succeededFuture() : server.close());
  }
}
