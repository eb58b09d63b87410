package io.callstream.webhook;

import io.callstream.config.Config;
import io.callstream.failure.Failure;
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
  private final LargeBodies largeBodies;
  private static final String CHECK = "callstream.webhook.check";

  public WebhookRole(Vertx vertx, Pool pool, Config.Webhooks config, PostCallInbox inbox) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.inbox = inbox;
    this.auth = new WebhookAuth(config, Clock.systemUTC());
    this.largeBodies = new LargeBodies(vertx, config.maxConcurrentSpools());
  }

  public void addRoutes(Router router) {
    router.post(POST_CALL).handler(new PostCallHandler(vertx, auth, inbox, config));
    router.post(TRANSCRIPTION)
        .handler(this::admitTurn)
        .handler(BodyHandler.create(false).setBodyLimit(WebhookBody.MEMORY_LIMIT))
        .handler(this::authenticateTurn)
        .handler(new LiveTurnHandler(pool, vertx.eventBus()));
  }

  /**
   * Before any of the body is buffered: the signature header (or bearer token) must be well-formed, and a body
   * over {@link LargeBodies#THRESHOLD} (or of unknown length) needs one of the node's large-body permits.
   */
  private void admitTurn(RoutingContext ctx) {
    try {
      ctx.put(CHECK, auth.signatureOrBearer(ctx.request()));
    } catch (Failure e) {
      refuse(ctx, e);
      return;
    }
    String length = ctx.request().getHeader("Content-Length");
    long declared = length != null && length.matches("[0-9]{1,18}") ? Long.parseLong(length) : -1;
    boolean hasBody = declared > 0 || declared < 0 && ctx.request().getHeader("Transfer-Encoding") != null;
    if (hasBody && (declared < 0 || declared > LargeBodies.THRESHOLD)) {
      LargeBodies.Permit permit = largeBodies.permit();
      if (!permit.acquire()) {
        ctx.response().putHeader("Retry-After", LargeBodies.RETRY_AFTER_SECONDS);
        refuse(ctx, WebhookBody.tooManyLarge());
        return;
      }
      ctx.addEndHandler(v -> permit.release());
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, Failure e) {
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader("Connection", "close"); // the unread body is not wanted
    }
    ctx.fail(e);
  }

  /** The signature over the raw bytes (or the bearer token), before the body is parsed. */
  private void authenticateTurn(RoutingContext ctx) {
    try {
      WebhookAuth.Check check = ctx.get(CHECK);
      byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      check.update(body, 0, body.length);
      check.finish();
      ctx.next();
    } catch (Failure e) {
      ctx.fail(e);
    }
  }
}
