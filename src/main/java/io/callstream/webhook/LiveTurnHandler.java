package io.callstream.webhook;

import io.callstream.call.Call;
import io.callstream.call.LiveTurnRequest;
import io.callstream.call.LiveTurnResult;
import io.callstream.call.NodeTurnWriter;
import io.callstream.call.TranscriptRepository.StoredTurn;
import io.callstream.db.DatabaseErrors;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.events.TranscriptionEvent;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;

/**
 * POST /webhooks/elevenlabs/transcription: one live turn, stored by the node's {@link NodeTurnWriter} (turns
 * arriving while a write is in flight share the next statement and commit), answered only after its own row
 * committed, then its {@code transcription} event. Runs after the BodyHandler (1 MiB limit) and the authentication
 * check.
 */
final class LiveTurnHandler implements Handler<RoutingContext> {
  private final NodeTurnWriter writer;
  private final EventBus bus;
  private final WebhookDeadline deadline;

  /** The node's one writer: turns arriving on every verticle instance meanwhile share its next batch. */
  LiveTurnHandler(NodeTurnWriter writer, EventBus bus, WebhookDeadline deadline) {
    this.writer = writer;
    this.bus = bus;
    this.deadline = deadline;
  }

  @Override
  public void handle(RoutingContext ctx) {
    WebhookMetrics.Observation seen = WebhookMetrics.note(ctx);
    seen.type = "live_turn";
    LiveTurn turn;
    try {
      turn = LiveTurn.parse(jsonBody(ctx));
    } catch (Failure e) {
      ctx.fail(e);
      return;
    }
    seen.callSid = turn.callSid();
    seen.conversationId = turn.conversationId();
    // published when committed, even after the deadline answered 503: the retry then finds a duplicate
    Future<StoredTurn> write = store(turn).onSuccess(s -> publish(turn, s));
    deadline.answerBy(write)
        .onSuccess(stored -> {
          seen.outcome = stored.created() ? "applied" : "duplicate";
          Responses.json(ctx.response(), Responses.success()
              .put("transcription_id", stored.transcriptionId())
              .put("sequence_number", stored.sequenceNumber())
              .put("duplicate", !stored.created()));
        })
        .onFailure(e -> {
          seen.failure = e;
          if (e instanceof Failure f && f.is(Failure.Kind.UNAVAILABLE) || DatabaseErrors.unavailable(e)) {
            ctx.response().putHeader("Retry-After", WebhookDeadline.RETRY_AFTER_SECONDS);
          }
          ctx.fail(e);
        });
  }

  static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw Failure.invalid("a JSON object body is required");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw Failure.invalid("body is not a JSON object");
    }
  }

  private Future<StoredTurn> store(LiveTurn turn) {
    return writer.write(new LiveTurnRequest(turn.callSid(), turn.conversationId(), turn.dedupeKey(), turn.speaker(),
            turn.message(), turn.spokenAt()), deadline.deadlineNanos())
        .recover(WebhookErrors::badDataIsBadRequest)
        .compose(LiveTurnHandler::storedOrRefused);
  }

  private static Future<StoredTurn> storedOrRefused(LiveTurnResult result) {
    if (result instanceof LiveTurnResult.Stored stored) {
      return Future.succeededFuture(stored.turn());
    }
    if (result instanceof LiveTurnResult.CallEnded ended) {
      return Future.failedFuture(Failure.invalid("call already ended (" + ended.status() + ")"));
    }
    return Future.failedFuture(Failure.invalid("unknown call"));
  }

  private void publish(LiveTurn turn, StoredTurn stored) {
    if (!stored.created()) {
      return;
    }
    if (stored.started()) {
      CallEvents.publish(bus, new CallStatusEvent(stored.callId(), stored.callSid(), stored.conversationId(),
          Call.IN_PROGRESS, Instant.now()));
    }
    CallEvents.publish(bus, new TranscriptionEvent(stored.callId(), stored.callSid(), stored.conversationId(),
        stored.transcriptionId(), stored.sequenceNumber(), turn.speaker(), turn.message(), stored.spokenAt()));
  }
}
