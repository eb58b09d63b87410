package io.callstream.app;

import io.callstream.auth.AudioLinks;
import io.callstream.auth.AuthHandler;
import io.callstream.auth.AuthRoutes;
import io.callstream.auth.Revocations;
import io.callstream.auth.SessionRoutes;
import io.callstream.auth.Tokens;
import io.callstream.call.Backfill;
import io.callstream.call.BackfillRoutes;
import io.callstream.call.CallAudioRoutes;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallListRoutes;
import io.callstream.call.CallMetrics;
import io.callstream.call.CallRoutes;
import io.callstream.call.CallStarter;
import io.callstream.call.ElevenLabsClient;
import io.callstream.call.ParkedEvents;
import io.callstream.config.Config;
import io.callstream.config.Config.NodeRole;
import io.callstream.console.ApiDescriptionRoutes;
import io.callstream.console.ConsoleRoutes;
import io.callstream.db.DatabaseErrors;
import io.callstream.driver.DriverRoutes;
import io.callstream.failure.Failure;
import io.callstream.insights.InsightsRoutes;
import io.callstream.live.LiveRole;
import io.callstream.twilio.TwilioRoutes;
import io.callstream.web.AccessLog;
import io.callstream.web.ClientAddress;
import io.callstream.web.FailureHandler;
import io.callstream.webhook.PostCallInbox;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.Set;

/**
 * The object graph of one verticle instance, built once, by constructor injection: each feature
 * gets exactly what it uses (the pool, the event bus, its own config record). NODE_ROLES picks
 * which roles are assembled, one method each: the webhook role (verify, store, publish; Twilio's
 * webhooks), the live role (WebSocket feed with this instance's own subscriptions), and the API for
 * people and scripts. The two roles meet only in the event bus.
 */
public final class Assembly {
  private final Vertx vertx;
  private final NodeResources node;
  private final Config config;
  private final Pool pool;
  private final Router router;
  private final ClientAddress clients;
  private final Tokens tokens;
  private final Revocations revocations;
  private final CallMetrics callMetrics;
  private final CallCompletions completions;
  private final PostCallInbox inbox;
  private final ElevenLabsClient elevenLabs;
  private final LiveRole live;

  public Assembly(Vertx vertx, NodeResources node) {
    this.vertx = vertx;
    this.node = node;
    this.config = node.config();
    this.pool = node.pool();
    this.router = Router.router(vertx);
    this.clients = new ClientAddress(config.http().trustedProxies());
    this.tokens = new Tokens(vertx, config.auth());
    this.revocations = new Revocations(pool, config.auth().sessions().revocationCheckSeconds());
    this.callMetrics = new CallMetrics(node.registry());
    this.completions = new CallCompletions(pool, vertx.eventBus(), callMetrics);
    this.inbox = new PostCallInbox(pool, completions);
    this.elevenLabs = new ElevenLabsClient(vertx, config.elevenLabs(), callMetrics);

    nodeRoutes();
    if (config.http().has(NodeRole.WEBHOOK)) {
      webhookRole();
    }
    live = config.http().has(NodeRole.LIVE) ? liveRole() : null;
    if (config.http().has(NodeRole.API)) {
      api();
    }
    new ConsoleRoutes().addRoutes(router);
    router.route().last().handler(ctx -> ctx.fail(Failure.notFound("no such endpoint")));
    router
        .route()
        .failureHandler(
            new FailureHandler(DatabaseErrors::unavailable, node.errors()::captureServerError));
  }

  /** Access log, drain guard, CORS, and the node's own endpoints (health, readiness, metrics). */
  private void nodeRoutes() {
    if (config.ops().accessLog()) {
      router.route().handler(new AccessLog(clients));
    }
    router.route().handler(new DrainGuard(node.state()));
    if (!config.http().corsOrigins().isEmpty()) {
      router
          .route()
          .handler(
              CorsHandler.create()
                  .addOrigins(config.http().corsOrigins())
                  .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT))
                  .allowedHeaders(Set.of("Authorization", "Content-Type", "Range"))
                  .maxAgeSeconds(600));
    }
    new HealthRoutes(pool, node.state(), node.registry(), config.elevenLabs().simulator())
        .addRoutes(router);
  }

  /**
   * ElevenLabs' webhooks, and Twilio's voice and recording webhooks (503 when TWILIO_AUTH_TOKEN is
   * unset).
   */
  private void webhookRole() {
    new WebhookRole(
            vertx, config.webhooks(), inbox, node.registry(), node.turns(), clients, node.audio())
        .addRoutes(router);
    new TwilioRoutes(
            vertx,
            pool,
            vertx.eventBus(),
            config.twilio(),
            config.elevenLabs(),
            elevenLabs,
            node.audio(),
            config.audio(),
            node.registry())
        .addRoutes(router);
  }

  private LiveRole liveRole() {
    LiveRole role =
        new LiveRole(
            vertx,
            config.live(),
            tokens,
            pool,
            node.liveMetrics(),
            clients,
            node.state()::draining,
            revocations,
            config.auth().sessions().revocationCheckSeconds());
    role.addRoutes(router);
    return role;
  }

  /** Login, drivers, calls (start, read, audio), insights, backfill. */
  private void api() {
    AuthHandler auth = new AuthHandler(tokens, revocations);
    // parked post-call events are applied by the inbox of the webhook role; a node without it parks
    // nothing
    ParkedEvents parked = config.http().has(NodeRole.WEBHOOK) ? inbox : ParkedEvents.NONE;
    new AuthRoutes(vertx, pool, tokens, clients).addRoutes(router);
    new SessionRoutes(pool, tokens, auth, revocations, config.auth().sessions()).addRoutes(router);
    new DriverRoutes(pool, auth).addRoutes(router);
    new CallRoutes(
            pool,
            config.elevenLabs(),
            auth,
            new CallStarter(vertx, pool, elevenLabs, parked, callMetrics),
            vertx.eventBus())
        .addRoutes(router);
    new CallListRoutes(pool, auth).addRoutes(router);
    new CallAudioRoutes(
            pool,
            node.audio(),
            auth,
            new AudioLinks(tokens, revocations, config.auth().sessions().audioLinkTtlSeconds()))
        .addRoutes(router);
    new InsightsRoutes(pool, auth, Clock.systemUTC()).addRoutes(router);
    new BackfillRoutes(config.elevenLabs(), auth, new Backfill(elevenLabs, completions))
        .addRoutes(router);
    new ApiDescriptionRoutes(vertx)
        .addRoutes(router); // GET /openapi.yaml and /asyncapi.yaml, unauthenticated
  }

  /** Every route this instance serves. */
  public Router router() {
    return router;
  }

  /** The live role, or null when this node does not serve it. */
  public LiveRole live() {
    return live;
  }
}
