package io.callstream.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;

/**
 * Plays one dialled call against callstream's public webhooks, as ElevenLabs and the operator's
 * live-transcript integration would: after a ring, each turn of a {@link Script} is POSTed to the
 * live transcription webhook, one pacing interval apart, then the signed post_call_transcription
 * follows (after a short "analysis"). About {@code failurePercent} of calls are not answered and
 * end with a call_initiation_failure (busy or no-answer).
 */
final class ConversationPlayer {
  private static final Logger LOG = Logger.getLogger(ConversationPlayer.class.getName());
  static final String TRANSCRIPTION = "/webhooks/elevenlabs/transcription";
  static final String POST_CALL = "/webhooks/elevenlabs/post-call";
  static final List<String> FAILURE_REASONS = List.of("busy", "no-answer");

  private final Vertx vertx;
  private final Scripts scripts;
  private final WebhookSender sender;
  private final SimulatorSettings settings;

  ConversationPlayer(
      Vertx vertx, Scripts scripts, WebhookSender sender, SimulatorSettings settings) {
    this.vertx = vertx;
    this.scripts = scripts;
    this.sender = sender;
    this.settings = settings;
  }

  /**
   * Starts playing in the background; the outcome is only logged (like ElevenLabs, nobody waits for
   * it).
   */
  void play(SimulatedCall call) {
    boolean fails = settings.random().nextInt(100) < settings.failurePercent();
    (fails ? fail(call) : converse(call))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warning(
                    "simulator: conversation "
                        + call.dial().conversationId()
                        + " stopped: "
                        + ar.cause().getMessage());
              }
            });
  }

  private Future<Void> converse(SimulatedCall call) {
    Script script = scripts.pick(settings.random(), call.dial().dynamicVariables());
    // the phone rings once before the driver picks up
    Future<Void> chain = pause().onSuccess(v -> call.answered(script, Instant.now()));
    for (Script.Turn turn : script.turns()) {
      // as on a real call, the conversation goes on when a live turn cannot be delivered (the
      // post-call
      // transcription and GET conversation still carry it)
      chain =
          chain
              .compose(
                  v ->
                      deliver(TRANSCRIPTION, call.liveTurn(call.say(turn, Instant.now())))
                          .recover(
                              e -> {
                                LOG.warning(
                                    "simulator: live turn of "
                                        + call.dial().conversationId()
                                        + " lost: "
                                        + e.getMessage());
                                return Future.succeededFuture();
                              }))
              .compose(v -> pause());
    }
    return chain
        .onSuccess(v -> call.hungUp(Instant.now()))
        .compose(v -> pause())
        .compose(
            v -> {
              call.analysed();
              return deliver(POST_CALL, envelope("post_call_transcription", call.data()));
            });
  }

  private Future<Void> fail(SimulatedCall call) {
    String reason = FAILURE_REASONS.get(settings.random().nextInt(FAILURE_REASONS.size()));
    // a few rings go unanswered first
    return pause()
        .compose(v -> pause())
        .compose(
            v -> {
              call.failed(reason, Instant.now());
              return deliver(POST_CALL, envelope("call_initiation_failure", call.failureData()));
            });
  }

  /**
   * Sends one webhook; a final refusal (4xx) is logged and the play goes on, as ElevenLabs would.
   */
  private Future<Void> deliver(String path, JsonObject body) {
    return sender
        .send(path, body)
        .map(
            status -> {
              if (status / 100 != 2) {
                LOG.warning(
                    "simulator: callstream answered "
                        + status
                        + " to "
                        + path
                        + " for conversation "
                        + body.getValue(
                            "conversation_id",
                            body.getJsonObject("data", new JsonObject())
                                .getValue("conversation_id")));
              }
              return null;
            });
  }

  private static JsonObject envelope(String type, JsonObject data) {
    return new JsonObject()
        .put("type", type)
        .put("event_timestamp", Instant.now().getEpochSecond())
        .put("data", data);
  }

  private Future<Void> pause() {
    return vertx.timer(settings.pacing().next(settings.random())).mapEmpty();
  }
}
