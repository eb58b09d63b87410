package io.callstream.webhook;

import io.callstream.call.Call;
import io.callstream.call.TranscriptRepository;
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
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.Optional;

/**
 * POST /webhooks/elevenlabs/transcription: one live turn, one round trip to PostgreSQL (see
 * {@link TranscriptRepository#insertLive}), then its {@code transcription} event. Runs after the BodyHandler
 * (1 MiB limit) and the authentication check.
 */
final class LiveTurnHandler implements Handler<RoutingContext> {
  private final Pool pool;
  private final EventBus bus;
  private final TranscriptRepository transcripts = new TranscriptRepository();

  LiveTurnHandler(Pool pool, EventBus bus) {
    this.pool = pool;
    this.bus = bus;
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
    store(turn)
        .onSuccess(stored -> {
          seen.outcome = stored.created() ? "applied" : "duplicate";
          publish(turn, stored);
          Responses.json(ctx.response(), Responses.success()
              .put("transcription_id", stored.transcriptionId())
              .put("sequence_number", stored.sequenceNumber())
              .put("duplicate", !stored.created()));
        })
        .onFailure(e -> {
          seen.failure = e;
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
    String key = turn.dedupeKey();
    return insert(turn, key)
        .recover(e -> DatabaseErrors.uniqueViolation(e) ? insert(turn, key) : Future.failedFuture(e))
        .recover(WebhookErrors::badDataIsBadRequest)
        .compose(found -> found.map(Future::succeededFuture).orElseGet(() -> whyNot(turn)));
  }

  private Future<Optional<StoredTurn>> insert(LiveTurn turn, String key) {
    return transcripts.insertLive(pool, turn.callSid(), turn.conversationId(), key, turn.speaker(), turn.message(),
        turn.spokenAt());
  }

  private Future<StoredTurn> whyNot(LiveTurn turn) {
    return transcripts.callStatus(pool, turn.callSid(), turn.conversationId()).compose(status -> Future.failedFuture(
        status.isEmpty() ? Failure.invalid("unknown call")
            : Failure.invalid("call already ended (" + status.get() + ")")));
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
