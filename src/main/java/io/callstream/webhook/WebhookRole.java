package io.callstream.webhook;

import io.callstream.call.NodeTurnWriter;
import io.callstream.audio.AudioStore;
import io.callstream.config.Config;
import io.callstream.web.ClientAddress;
import io.callstream.failure.Failure;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The webhook role of a verticle instance: verify ElevenLabs webhooks, store them, publish their events. Post-call
 * bodies go through {@link PostCallHandler} into the {@link PostCallInbox}; live turns through
 * {@link LiveTurnHandler} into {@code transcriptions}.
 */
public final class WebhookRole {
  public static final String POST_CALL = "/webhooks/elevenlabs/post-call";
  public static final String TRANSCRIPTION = "/webhooks/elevenlabs/transcription";

  private final Vertx vertx;
  private final Pool pool;
  private final Config.Webhooks config;
  private final PostCallInbox inbox;
  private final WebhookAuth auth;

  private final WebhookMetrics metrics;
  private final NodeTurnWriter turns;
  private final AudioStore audioStore;

  public WebhookRole(Vertx vertx, Pool pool, Config.Webhooks config, PostCallInbox inbox, MeterRegistry registry,
                     NodeTurnWriter turns, ClientAddress clients, AudioStore audioStore) {
    this.audioStore = audioStore;
    this.turns = turns;
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.inbox = inbox;
    this.auth = new WebhookAuth(config, Clock.systemUTC());
    this.metrics = new WebhookMetrics(registry, clients);
  }

  public void addRoutes(Router router) {
    // observed from the first byte (own routes: Vert.x wants a BodyHandler first on a route)
    router.post(POST_CALL).handler(ctx -> metrics.start(ctx, WebhookMetrics.POST_CALL));
    router.post(TRANSCRIPTION).handler(ctx -> metrics.start(ctx, WebhookMetrics.TRANSCRIPTION));
    router.post(POST_CALL).handler(new PostCallHandler(vertx, auth, inbox, config,
        new WebhookDeadline(vertx, config.deadlineMs()), audioStore));
    router.post(TRANSCRIPTION)
        .handler(new TurnAdmission(auth, new LargeBodies(vertx, config.maxConcurrentSpools())))
        .handler(BodyHandler.create(false).setBodyLimit(WebhookBody.MEMORY_LIMIT))
        .handler(this::authenticateTurn)
        .handler(new LiveTurnHandler(turns, vertx.eventBus(), new WebhookDeadline(vertx, config.deadlineMs())));
  }

  /** The signature over the raw bytes (or the bearer token), before the body is parsed. */
  private void authenticateTurn(RoutingContext ctx) {
    try {
      WebhookAuth.Check check = ctx.get(TurnAdmission.CHECK);
      byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      check.update(body, 0, body.length);
      check.finish();
      ctx.next();
    } catch (Failure e) {
      ctx.fail(e);
    }
  }
}
