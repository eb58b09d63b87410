package io.callstream.webhook;

import io.callstream.audio.AudioStore;
import io.callstream.call.PostCallEvent;
import io.callstream.config.WebhookConfig;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.callstream.webhook.WebhookOutcome.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * POST /webhooks/elevenlabs/post-call. The body is read by {@link WebhookBody} (no BodyHandler:
 * audio bodies can be tens of MiB), its signature checked over the raw bytes while they arrive,
 * then: post_call_audio goes to {@link AudioExtractor}; every other type is JSON of at most 1 MiB,
 * handed to {@link PostCallInbox#receive}. Returns the delivery's {@link WebhookOutcome}: a call
 * not known yet is {@link WebhookOutcome.Parked}, not a failure.
 */
final class PostCallHandler {
  private final Vertx vertx;
  private final WebhookAuth auth;
  private final PostCallInbox inbox;
  private final WebhookConfig config;
  private final Path spoolDir;
  private final LargeBodies largeBodies;
  private final WebhookDeadline deadline;

  private final AudioStore audioStore;

  PostCallHandler(
      Vertx vertx,
      WebhookAuth auth,
      PostCallInbox inbox,
      WebhookConfig config,
      WebhookDeadline deadline,
      AudioStore audioStore) {
    this.deadline = deadline;
    this.audioStore = audioStore;
    this.largeBodies = new LargeBodies(vertx, config.maxConcurrentSpools());
    this.vertx = vertx;
    this.auth = auth;
    this.inbox = inbox;
    this.config = config;
    this.spoolDir = StaleFiles.spoolDir(config);
  }

  /**
   * A failed future refuses a delivery before its body was read and verified (its type is then
   * unknown).
   */
  Future<WebhookOutcome> handle(HttpServerRequest request) {
    LargeBodies.Permit permit = largeBodies.permit();
    return Future.succeededFuture(request)
        .map(auth::signature)
        .compose(
            check ->
                WebhookBody.read(vertx, request, check, config.audioMaxBytes(), spoolDir, permit))
        .compose(body -> body.spooled() ? spooled(body) : inMemory(body))
        .andThen(done -> permit.release()); // the spool file is gone by now
  }

  /**
   * A body over 1 MiB: only post_call_audio may be that large. The spool file is always deleted.
   */
  private Future<WebhookOutcome> spooled(WebhookBody body) {
    return vertx
        .executeBlocking(
            () -> {
              try (InputStream in = Files.newInputStream(body.spool())) {
                return AudioExtractor.extract(in, audioStore);
              }
            },
            false)
        .eventually(() -> body.discard(vertx))
        .compose(
            audio ->
                AudioExtractor.AUDIO_TYPE.equals(audio.type())
                    ? stored(audio, body)
                    : Future.failedFuture(Failure.tooLarge("JSON events are limited to 1 MiB")));
  }

  private Future<WebhookOutcome> inMemory(WebhookBody body) {
    JsonObject json;
    try {
      json = body.bytes().toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(Failure.invalid("malformed JSON body"));
    }
    if (json == null) {
      return Future.failedFuture(Failure.invalid("a JSON object body is required"));
    }
    if (AudioExtractor.AUDIO_TYPE.equals(json.getValue("type"))) {
      byte[] bytes = body.bytes().getBytes();
      return vertx
          .executeBlocking(
              () -> AudioExtractor.extract(new ByteArrayInputStream(bytes), audioStore), false)
          .compose(audio -> stored(audio, body));
    }
    Delivery typed = new Delivery(json.getValue("type") instanceof String t ? t : null, null, null);
    PostCallEvent event;
    try {
      event = PostCallBody.parse(json);
    } catch (RuntimeException e) { // a Failure (400) or a fault: either way this delivery's
      return Future.succeededFuture(new WebhookOutcome.Refused(typed, e));
    }
    Delivery delivery = new Delivery(typed.type(), event.conversationId(), event.callSid());
    // the inbox publishes what it committed even after the deadline answered 503; a retry is then a
    // duplicate
    return deadline
        .answerBy(inbox.receive(event, json, body.bytes(), body.sha256()))
        .recover(WebhookErrors::badDataIsBadRequest)
        .map(receipt -> outcome(delivery, receipt))
        .otherwise(e -> new WebhookOutcome.Refused(delivery, e));
  }

  private static WebhookOutcome outcome(Delivery delivery, PostCallInbox.Receipt receipt) {
    return switch (receipt) {
      case PARKED -> new WebhookOutcome.Parked(delivery);
      case DUPLICATE ->
          new WebhookOutcome.Answered(
              delivery, true, false, Responses.success().put("duplicate", true));
      case IGNORED ->
          new WebhookOutcome.Answered(
              delivery, false, true, Responses.success().put("ignored", true));
      case APPLIED, UNCHANGED ->
          new WebhookOutcome.Answered(delivery, false, false, Responses.success());
    };
  }

  /**
   * The audio is committed to the audio store (durable, readable by every node) before this runs,
   * so the 200 means stored; the inbox keeps the body without full_audio.
   */
  private Future<WebhookOutcome> stored(AudioExtractor.Result audio, WebhookBody body) {
    Delivery delivery = new Delivery(audio.type(), audio.conversationId(), null);
    String file = audio.audio() == null ? null : audio.conversationId() + ".mp3";
    JsonObject summary =
        new JsonObject()
            .put("type", audio.type())
            .put("event_timestamp", audio.eventTimestamp())
            .put(
                "data",
                new JsonObject()
                    .put("agent_id", audio.agentId())
                    .put("conversation_id", audio.conversationId())
                    .put("full_audio_file", file)
                    .put("full_audio_bytes", audio.audioBytes())
                    .put(
                        "full_audio_sha256",
                        audio.audio() == null ? null : audio.audio().sha256()));
    PostCallEvent event =
        new PostCallEvent(
            audio.type(),
            audio.eventTimestamp(),
            summary.getJsonObject("data"),
            audio.conversationId(),
            null);
    return inbox
        .receiveAudio(event, summary, body.sha256())
        .recover(
            WebhookErrors
                ::badDataIsBadRequest) // e.g. a NUL in agent_id: the sender's 400, not our 500
        .<WebhookOutcome>map(
            fresh ->
                new WebhookOutcome.Answered(
                    delivery,
                    !fresh,
                    false,
                    Responses.success().put("audio_stored", file != null).put("duplicate", !fresh)))
        .otherwise(e -> new WebhookOutcome.Refused(delivery, e));
  }
}
