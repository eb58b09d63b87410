package io.callstream.webhook;

import io.callstream.audio.AudioStore;
import io.callstream.call.PostCallEvent;
import io.callstream.config.Config;
import io.callstream.db.DatabaseErrors;
import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * POST /webhooks/elevenlabs/post-call. The body is read by {@link WebhookBody} (no BodyHandler: audio bodies can
 * be tens of MiB), its signature checked over the raw bytes while they arrive, then: post_call_audio goes to
 * {@link AudioExtractor}; every other type is JSON of at most 1 MiB, handed to {@link PostCallInbox#receive}.
 */
final class PostCallHandler implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final WebhookAuth auth;
  private final PostCallInbox inbox;
  private final Config.Webhooks config;
  private final Path spoolDir;
  private final LargeBodies largeBodies;
  private final WebhookDeadline deadline;

  private final AudioStore audioStore;

  PostCallHandler(Vertx vertx, WebhookAuth auth, PostCallInbox inbox, Config.Webhooks config,
                  WebhookDeadline deadline, AudioStore audioStore) {
    this.deadline = deadline;
    this.audioStore = audioStore;
    this.largeBodies = new LargeBodies(vertx, config.maxConcurrentSpools());
    this.vertx = vertx;
    this.auth = auth;
    this.inbox = inbox;
    this.config = config;
    this.spoolDir = StaleFiles.spoolDir(config);
  }

  @Override
  public void handle(RoutingContext ctx) {
    WebhookMetrics.Observation seen = WebhookMetrics.note(ctx);
    LargeBodies.Permit permit = largeBodies.permit();
    Future.succeededFuture(ctx.request())
        .map(auth::signature)
        .compose(check -> WebhookBody.read(vertx, ctx.request(), check, config.audioMaxBytes(), spoolDir, permit))
        .compose(body -> body.spooled() ? spooled(body, seen) : inMemory(body, seen))
        .onComplete(done -> permit.release()) // the spool file is gone by now
        .onSuccess(answer -> {
          seen.outcome = answer.getBoolean("duplicate", false) ? "duplicate"
              : answer.getBoolean("ignored", false) ? "ignored" : "applied";
          Responses.json(ctx.response(), answer);
        })
        .onFailure(e -> {
          seen.failure = e;
          if (!ctx.request().isEnded()) {
            ctx.response().putHeader("Connection", "close"); // the unread rest of the body is not wanted
          }
          if (e instanceof Failure f && f.is(Failure.Kind.UNAVAILABLE) || DatabaseErrors.unavailable(e)) {
            ctx.response().putHeader("Retry-After", LargeBodies.RETRY_AFTER_SECONDS);
          }
          ctx.fail(e);
        });
  }

  /** A body over 1 MiB: only post_call_audio may be that large. The spool file is always deleted. */
  private Future<JsonObject> spooled(WebhookBody body, WebhookMetrics.Observation seen) {
    return vertx.executeBlocking(() -> {
          try (InputStream in = Files.newInputStream(body.spool())) {
            return AudioExtractor.extract(in, audioStore);
          }
        }, false)
        .eventually(() -> body.discard(vertx))
        .compose(audio -> AudioExtractor.AUDIO_TYPE.equals(audio.type()) ? stored(audio, body, seen)
            : Future.failedFuture(Failure.tooLarge("JSON events are limited to 1 MiB")));
  }

  private Future<JsonObject> inMemory(WebhookBody body, WebhookMetrics.Observation seen) {
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
      return vertx.executeBlocking(() -> AudioExtractor.extract(new ByteArrayInputStream(bytes), audioStore),
          false).compose(audio -> stored(audio, body, seen));
    }
    seen.type = json.getValue("type") instanceof String t ? t : null;
    PostCallEvent event = PostCallBody.parse(json);
    seen.conversationId = event.conversationId();
    seen.callSid = event.callSid();
    // the inbox publishes what it committed even after the deadline answered 503; a retry is then a duplicate
    return deadline.answerBy(inbox.receive(event, json, body.bytes(), body.sha256()))
        .recover(WebhookErrors::badDataIsBadRequest)
        .compose(PostCallHandler::answer);
  }

  private static Future<JsonObject> answer(PostCallInbox.Receipt receipt) {
    return switch (receipt) {
      case PARKED -> Future.failedFuture(Failure.notFound(
          "unknown call: the event is kept and will be applied when the call appears")
          .withCode(ErrorCode.CALL_NOT_FOUND));
      case DUPLICATE -> Future.succeededFuture(Responses.success().put("duplicate", true));
      case IGNORED -> Future.succeededFuture(Responses.success().put("ignored", true));
      case APPLIED, UNCHANGED -> Future.succeededFuture(Responses.success());
    };
  }

  /**
   * The audio is committed to the audio store (durable, readable by every node) before this runs, so the 200 means
   * stored; the inbox keeps the body without full_audio.
   */
  private Future<JsonObject> stored(AudioExtractor.Result audio, WebhookBody body, WebhookMetrics.Observation seen) {
    seen.type = audio.type();
    seen.conversationId = audio.conversationId();
    String file = audio.audio() == null ? null : audio.conversationId() + ".mp3";
    JsonObject summary = new JsonObject().put("type", audio.type()).put("event_timestamp", audio.eventTimestamp())
        .put("data", new JsonObject().put("agent_id", audio.agentId()).put("conversation_id", audio.conversationId())
            .put("full_audio_file", file).put("full_audio_bytes", audio.audioBytes())
            .put("full_audio_sha256", audio.audio() == null ? null : audio.audio().sha256()));
    PostCallEvent event = new PostCallEvent(audio.type(), audio.eventTimestamp(), summary.getJsonObject("data"),
        audio.conversationId(), null);
    return inbox.receiveAudio(event, summary, body.sha256())
        .recover(WebhookErrors::badDataIsBadRequest) // e.g. a NUL in agent_id: the sender's 400, not our 500
        .map(fresh -> Responses.success().put("audio_stored", file != null).put("duplicate", !fresh));
  }
}
