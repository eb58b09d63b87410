package io.callstream.app;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.AuthRoutes;
import io.callstream.auth.Tokens;
import io.callstream.call.Backfill;
import io.callstream.call.CallAudioRoutes;
import io.callstream.call.BackfillRoutes;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallMetrics;
import io.callstream.call.CallRoutes;
import io.callstream.call.CallStarter;
import io.callstream.call.ElevenLabsClient;
import io.callstream.call.ParkedEvents;
import io.callstream.config.Config;
import io.callstream.console.ConsoleRoutes;
import io.callstream.config.Config.NodeRole;
import io.callstream.driver.DriverRoutes;
import io.callstream.failure.Failure;
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

/**
 * The object graph of one verticle instance, built once, by constructor injection: each feature gets exactly what
 * it uses (the pool, the event bus, its own config record). NODE_ROLES picks which roles are assembled: the webhook
 * role (verify, store, publish), the live role (WebSocket feed with this instance's own subscriptions), and the API
 * for people and scripts. The two roles meet only in the event bus.
 */
public final class Assembly {
  private final Router router;
  private final LiveRole live;

  public Assembly(Vertx vertx, NodeResources node) {
    Config config = node.config();
    Pool pool = node.pool();
    Tokens tokens = new Tokens(vertx, config.auth());
    CallMetrics callMetrics = new CallMetrics(node.registry());
    CallCompletions completions = new CallCompletions(pool, vertx.eventBus(), callMetrics);
    PostCallInbox inbox = new PostCallInbox(pool, completions);

    ClientAddress clients = new ClientAddress(config.http().trustedProxies());
    router = Router.router(vertx);
    if (config.ops().accessLog()) {
      router.route().handler(new AccessLog(clients));
    }
    router.route().handler(new DrainGuard(node.state()));
    if (!config.http().corsOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create().addOrigins(config.http().corsOrigins())
          .allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT))
          .allowedHeaders(java.util.Set.of("Authorization", "Content-Type", "Range")).maxAgeSeconds(600));
    }
    new HealthRoutes(pool, node.state(), node.registry()).addRoutes(router);
    if (config.http().has(NodeRole.WEBHOOK)) {
      new WebhookRole(vertx, config.webhooks(), inbox, node.registry(), node.turns(), clients, node.audio())
          .addRoutes(router);
    }
    if (config.http().has(NodeRole.LIVE)) {
      live = new LiveRole(vertx, config.live(), tokens, pool, node.registry(), clients,
          node.state()::draining);
      live.addRoutes(router);
    } else {
      live = null;
    }
    ElevenLabsClient elevenLabs = new ElevenLabsClient(vertx, config.elevenLabs(), callMetrics);
    if (config.http().has(NodeRole.API)) {
      AuthHandler auth = new AuthHandler(tokens);
      // parked post-call events are applied by the inbox of the webhook role; a node without it parks nothing
      ParkedEvents parked = config.http().has(NodeRole.WEBHOOK) ? inbox : ParkedEvents.NONE;
      new AuthRoutes(vertx, pool, tokens, clients).addRoutes(router);
      new DriverRoutes(pool, auth).addRoutes(router);
      new CallRoutes(pool, config.elevenLabs(), auth,
          new CallStarter(pool, vertx.eventBus(), elevenLabs, parked, callMetrics)).addRoutes(router);
      new CallAudioRoutes(pool, node.audio(), auth).addRoutes(router);
      new BackfillRoutes(config.elevenLabs(), auth, new Backfill(elevenLabs, completions)).addRoutes(router);
    }
    if (config.http().has(NodeRole.WEBHOOK)) {
      // Twilio's voice and recording webhooks: inbound driver calls (503 when TWILIO_AUTH_TOKEN is unset)
      new TwilioRoutes(vertx, pool, vertx.eventBus(), config.twilio(), config.elevenLabs(), elevenLabs,
          node.audio(), config.audio(), node.registry()).addRoutes(router);
    }
    new ConsoleRoutes().addRoutes(router);
    router.route().last().handler(ctx -> ctx.fail(Failure.notFound("no such endpoint")));
    router.route().failureHandler(new FailureHandler(node.errors()));
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
