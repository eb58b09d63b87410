package io.callstream.app;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.AuthRoutes;
import io.callstream.auth.Tokens;
import io.callstream.call.Backfill;
import io.callstream.call.BackfillRoutes;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallRoutes;
import io.callstream.call.CallStarter;
import io.callstream.call.ElevenLabsClient;
import io.callstream.call.ParkedEvents;
import io.callstream.config.Config;
import io.callstream.config.Config.NodeRole;
import io.callstream.driver.DriverRoutes;
import io.callstream.failure.Failure;
import io.callstream.live.LiveRole;
import io.callstream.web.ClientAddress;
import io.callstream.web.FailureHandler;
import io.callstream.webhook.PostCallInbox;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
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
    CallCompletions completions = new CallCompletions(pool, vertx.eventBus());
    PostCallInbox inbox = new PostCallInbox(pool, completions);

    router = Router.router(vertx);
    router.route().handler(new DrainGuard(node.state()));
    new HealthRoutes(pool, node.state(), node.registry()).addRoutes(router);
    if (config.http().has(NodeRole.WEBHOOK)) {
      new WebhookRole(vertx, pool, config.webhooks(), inbox).addRoutes(router);
    }
    if (config.http().has(NodeRole.LIVE)) {
      live = new LiveRole(vertx, config.live(), tokens, pool, node.registry());
      live.addRoutes(router);
    } else {
      live = null;
    }
    if (config.http().has(NodeRole.API)) {
      AuthHandler auth = new AuthHandler(tokens);
      ElevenLabsClient elevenLabs = new ElevenLabsClient(vertx, config.elevenLabs());
      // parked post-call events are applied by the inbox of the webhook role; a node without it parks nothing
      ParkedEvents parked = config.http().has(NodeRole.WEBHOOK) ? inbox : ParkedEvents.NONE;
      new AuthRoutes(vertx, pool, tokens, new ClientAddress(config.http().trustedProxies())).addRoutes(router);
      new DriverRoutes(pool, auth).addRoutes(router);
      new CallRoutes(pool, config.elevenLabs(), auth,
          new CallStarter(pool, vertx.eventBus(), elevenLabs, parked)).addRoutes(router);
      new BackfillRoutes(config.elevenLabs(), auth, new Backfill(pool, elevenLabs, completions)).addRoutes(router);
    }
    router.route().last().handler(ctx -> ctx.fail(Failure.notFound("no such endpoint")));
    router.route().failureHandler(new FailureHandler());
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
