package io.callstream.webhook;

import io.callstream.Services;
import io.callstream.http.HttpError;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;

/** The webhook role of a verticle instance: verify ElevenLabs webhooks, store them, publish their events. */
public final class WebhookRole {
  public static final String POST_CALL = "/webhooks/elevenlabs/post-call";
  public static final String TRANSCRIPTION = "/webhooks/elevenlabs/transcription";

  private final Vertx vertx;
  private final Services services;
  private final WebhookAuth auth;

  public WebhookRole(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
    this.auth = new WebhookAuth(services.config().webhooks(), Clock.systemUTC());
  }

  public void addRoutes(Router router) {
    PostCallService postCalls = new PostCallService(vertx, services);
    router.post(POST_CALL).handler(new PostCallHandler(vertx, auth, postCalls, services.config().webhooks()));
    router.post(TRANSCRIPTION)
        .handler(BodyHandler.create(false).setBodyLimit(WebhookBody.MEMORY_LIMIT))
        .handler(this::authenticateTurn)
        .handler(new LiveTurnHandler(services.pool(), vertx.eventBus()));
  }

  /** The signature over the raw bytes (or the bearer token), before the body is parsed. */
  private void authenticateTurn(RoutingContext ctx) {
    try {
      WebhookAuth.Check check = auth.signatureOrBearer(ctx.request());
      byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
      check.update(body, 0, body.length);
      check.finish();
      ctx.next();
    } catch (HttpError e) {
      ctx.fail(e);
    }
  }
}
