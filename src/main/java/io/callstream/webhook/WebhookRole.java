package io.callstream.webhook;

import io.callstream.audio.AudioStore;
import io.callstream.call.NodeTurnWriter;
import io.callstream.config.WebhookConfig;
import io.callstream.web.ClientAddress;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * The webhook role of a verticle instance: verify ElevenLabs webhooks, store them, publish their
 * events. Post-call bodies go through {@link PostCallHandler} into the {@link PostCallInbox}; live
 * turns through {@link LiveTurnHandler} into {@code transcriptions}.
 */
public final class WebhookRole {
  public static final String POST_CALL = "/webhooks/elevenlabs/post-call";
  public static final String TRANSCRIPTION = "/webhooks/elevenlabs/transcription";

  private final WebhookAnswers answers;
  private final PostCallHandler postCall;
  private final LiveTurnHandler liveTurns;

  public WebhookRole(
      Vertx vertx,
      WebhookConfig config,
      PostCallInbox inbox,
      MeterRegistry registry,
      NodeTurnWriter turns,
      ClientAddress clients,
      AudioStore audioStore) {
    WebhookAuth auth = new WebhookAuth(config, Clock.systemUTC());
    this.answers = new WebhookAnswers(new WebhookMetrics(registry), clients);
    this.postCall =
        new PostCallHandler(
            vertx,
            auth,
            inbox,
            config,
            new WebhookDeadline(vertx, config.deadlineMs()),
            audioStore);
    this.liveTurns =
        new LiveTurnHandler(
            vertx,
            auth,
            new LargeBodies(vertx, config.maxConcurrentSpools()),
            StaleFiles.spoolDir(config),
            turns,
            new WebhookDeadline(vertx, config.deadlineMs()));
  }

  /**
   * One handler per endpoint: it reads, verifies and stores; {@link WebhookAnswers} answers and
   * records.
   */
  public void addRoutes(Router router) {
    router.post(POST_CALL).handler(answers.route(WebhookMetrics.POST_CALL, postCall::handle));
    router
        .post(TRANSCRIPTION)
        .handler(answers.route(WebhookMetrics.TRANSCRIPTION, liveTurns::handle));
  }
}
