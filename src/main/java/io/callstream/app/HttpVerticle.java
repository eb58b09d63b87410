package io.callstream.app;

import io.callstream.call.LiveTurnWriter;
import io.callstream.call.SearchIndexUpkeep;
import io.callstream.config.Config;
import io.callstream.config.WebhookConfig;
import io.callstream.db.Database;
import io.callstream.live.LiveRole;
import io.callstream.web.RequestDeadlines;
import io.callstream.webhook.LiveTurnEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * One HTTP verticle instance (deployed HTTP_INSTANCES times, all sharing HTTP_PORT). It only wires:
 * the {@link Assembly} builds this instance's routes and roles, the live role starts consuming call
 * events, the server listens. The future of {@link #start} includes all of it, so a node never
 * reports itself started while half up. One instance of a webhook node also hosts the node's
 * live-turn writer (see {@link io.callstream.call.NodeTurnWriter}).
 */
public final class HttpVerticle extends VerticleBase {
  private final NodeResources node;
  private Assembly assembly;
  private HttpServer server;
  private Pool writerPool;
  private SearchIndexUpkeep searchIndex;

  public HttpVerticle(NodeResources node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    if (node.config().http().has(Config.NodeRole.WEBHOOK) && node.turns().claimHost()) {
      // created on this event loop, so the writer's connection lives on it too
      writerPool =
          Database.createWriterPool(
              vertx, node.config().database(), LiveTurnWriter.DEFAULT_MAX_IN_FLIGHT);
      WebhookConfig webhooks = node.config().webhooks();
      node.turns()
          .bind(
              context,
              new LiveTurnWriter(
                      writerPool,
                      LiveTurnWriter.DEFAULT_MAX_IN_FLIGHT,
                      LiveTurnWriter.DEFAULT_MAX_BATCH,
                      webhooks.writerMaxQueue(),
                      webhooks.writerMaxQueueBytes())
                  // where a committed turn becomes an event: one bus message per statement
                  .onCommitted(new LiveTurnEvents(vertx.eventBus(), webhooks.eventBusBatches())));
      // the writer's host also keeps the transcript search index's merges out of its statements
      searchIndex =
          new SearchIndexUpkeep(vertx, node.pool(), webhooks.searchIndexFlushMs(), node.registry());
      searchIndex.start();
    }
    assembly = new Assembly(vertx, node);
    Config.Http http = node.config().http();
    RequestDeadlines deadlines = new RequestDeadlines(vertx, http.requestTimeoutSeconds());
    assembly.router().route().order(-1).handler(deadlines); // before every other handler
    Future<?> liveReady =
        assembly.live() == null ? Future.succeededFuture() : assembly.live().start();
    HttpServerOptions options =
        new HttpServerOptions()
            .setPort(node.config().http().port())
            .setHost(node.config().http().host())
            .setMaxWebSocketFrameSize(65_536)
            .setMaxWebSocketMessageSize(65_536)
            .setRegisterWebSocketWriteHandlers(false)
            // not strict thread mode: it spares a JCTools queue per connection (4.9 KB of heap per
            // idle WebSocket, issue 21) but with it nginx saw every node fail during the soak's
            // rolling restart (BENCHMARKS.md)
            .setPerMessageWebSocketCompressionSupported(
                false) // no per-socket zlib state: small idle sockets
            .setPerFrameWebSocketCompressionSupported(false)
            // a browser's JWT comes as a second subprotocol next to this one, which is the only one
            // echoed
            .setWebSocketSubProtocols(List.of(LiveRole.SUBPROTOCOL))
            // no traffic either way for this long closes a connection; WebSockets stay up because
            // the server pings
            // them every WS_PING_INTERVAL_SECONDS, which Config requires to be shorter
            .setIdleTimeout(http.idleTimeoutSeconds())
            // HTTP/1.1 only (nginx speaks it upstream): with h2c on offer, Vert.x creates a
            // connection only once its
            // first request's headers are in, so RequestDeadlines could not time a client that
            // never finishes them
            .setHttp2ClearTextEnabled(false);
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(deadlines::connected)
            .requestHandler(assembly.router());
    if (assembly.live() != null) {
      // upgrades are authenticated at the server's handshake and never reach the router (lighter
      // sockets); the
      // request deadline armed on connecting ends there too, else it would close every socket after
      // HTTP_REQUEST_TIMEOUT_SECONDS
      server.webSocketHandshakeHandler(deadlines.handshakes(assembly.live()::handshake));
    }
    return liveReady.compose(v -> server.listen());
  }

  @Override
  public Future<?> stop() {
    if (searchIndex != null) {
      searchIndex.stop();
    }
    Future<?> closing =
        assembly == null || assembly.live() == null
            ? Future.succeededFuture()
            : assembly.live().stop();
    return closing
        .recover(e -> Future.succeededFuture())
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> writerPool == null ? Future.succeededFuture() : writerPool.close());
  }
}
