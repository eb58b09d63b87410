package io.callstream.webhook;

import io.callstream.Services;
import io.callstream.call.Call;
import io.callstream.call.Transcription;
import io.callstream.events.CallCompletedEvent;
import io.callstream.events.CallEvent;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Applies post-call data to calls: the post-call webhook, the calls API's backfill and the inbox's parked events
 * all go through here, so they behave identically (idempotent; events published only when something changed).
 * Each application is one transaction; its events are published after the commit, in order: the transcription
 * events of inserted post-call turns, then call_status, then call_completed.
 */
public final class PostCallService {
  private static final Logger LOG = Logger.getLogger(PostCallService.class.getName());

  /** What applying did. */
  public enum Outcome { APPLIED, UNCHANGED, UNKNOWN_CALL }

  /** What happened to one webhook delivery. */
  public enum Receipt { APPLIED, UNCHANGED, UNKNOWN_CALL, DUPLICATE, IGNORED }

  private record Applied(Outcome outcome, List<CallEvent> events, Call call) {
    static final Applied UNKNOWN = new Applied(Outcome.UNKNOWN_CALL, List.of(), null);
  }

  private record Delivered(Receipt receipt, Applied applied) {}

  private final Vertx vertx;
  private final Services services;
  private final InboxRepository inbox = new InboxRepository();
  private final PostCallRepository calls = new PostCallRepository();

  public PostCallService(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  /**
   * Applies a {@code post_call_transcription} {@code data} object (same shape as ElevenLabs' GET conversation
   * response) with its event timestamp (unix seconds), exactly as the webhook does.
   */
  public Future<Outcome> applyConversation(JsonObject data, long eventTimestamp) {
    Envelope envelope = Envelope.fromData(Envelope.TRANSCRIPTION, eventTimestamp, data);
    return services.pool().withTransaction(conn -> apply(conn, envelope))
        .map(this::publish);
  }

  /**
   * Applies every inbox event still pending for this conversation id or callstream call_sid (either may be null).
   * The calls API calls this when it learns a call's conversation id. Returns how many events were applied.
   */
  public Future<Integer> applyPending(String conversationId, String callSid) {
    return inbox.pendingIds(services.pool(), conversationId, callSid).compose(ids -> {
      Future<Integer> count = Future.succeededFuture(0);
      for (long id : ids) {
        count = count.compose(n -> applyInboxEvent(id).map(applied -> applied ? n + 1 : n));
      }
      return count;
    });
  }

  /** A verified post-call webhook: stored in the inbox and applied in one transaction, then published. */
  public Future<Receipt> receive(Envelope envelope, JsonObject body, String sha256) {
    String status = envelope.known() ? InboxRepository.PENDING : InboxRepository.IGNORED;
    return services.pool().withTransaction(conn -> inbox.store(conn, envelope, body, sha256, status)
            .compose(entry -> {
              if (!InboxRepository.PENDING.equals(entry.status())) {
                return Future.succeededFuture(new Delivered(
                    entry.fresh() ? Receipt.IGNORED : Receipt.DUPLICATE, null));
              }
              return applyAndMark(conn, entry.id(), envelope)
                  .map(applied -> new Delivered(receipt(applied.outcome()), applied));
            }))
        .map(delivered -> {
          if (delivered.applied() != null) {
            publish(delivered.applied());
          } else if (delivered.receipt() == Receipt.IGNORED) {
            LOG.info(() -> "post-call webhook of unknown type '" + envelope.type() + "' acknowledged and kept in "
                + "the inbox (conversation " + envelope.conversationId() + ")");
          }
          return delivered.receipt();
        });
  }

  /** Stores the summary of a verified audio delivery (its audio is on disk, never in the database). */
  public Future<Boolean> receiveAudio(Envelope envelope, JsonObject summary, String sha256) {
    return inbox.store(services.pool(), envelope, summary, sha256, InboxRepository.PROCESSED)
        .map(InboxRepository.Entry::fresh);
  }

  private static Receipt receipt(Outcome outcome) {
    return switch (outcome) {
      case APPLIED -> Receipt.APPLIED;
      case UNCHANGED -> Receipt.UNCHANGED;
      case UNKNOWN_CALL -> Receipt.UNKNOWN_CALL;
    };
  }

  private Future<Boolean> applyInboxEvent(long id) {
    return services.pool().withTransaction(conn -> inbox.lockPending(conn, id).compose(pending -> {
          if (pending.isEmpty()) {
            return Future.succeededFuture(Optional.<Applied>empty());
          }
          JsonObject body = pending.get().body();
          Envelope envelope = Envelope.fromData(pending.get().type(), pending.get().eventTimestamp(),
              body.getValue("data") instanceof JsonObject d ? d : new JsonObject());
          return applyAndMark(conn, id, envelope).map(Optional::of);
        }))
        .map(applied -> applied.map(a -> publish(a) != Outcome.UNKNOWN_CALL).orElse(false));
  }

  private Future<Applied> applyAndMark(SqlConnection conn, long inboxId, Envelope envelope) {
    return apply(conn, envelope).compose(applied -> applied.outcome() == Outcome.UNKNOWN_CALL
        ? Future.succeededFuture(applied)
        : inbox.markProcessed(conn, inboxId).map(applied));
  }

  private Future<Applied> apply(SqlConnection conn, Envelope envelope) {
    return calls.findForUpdate(conn, envelope.conversationId(), envelope.callSid()).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Applied.UNKNOWN);
      }
      Call call = found.get();
      if (Envelope.INITIATION_FAILURE.equals(envelope.type())) {
        String reason = envelope.data().getValue("failure_reason") instanceof String r ? r : "unknown";
        return calls.fail(conn, call.id(), reason, envelope.conversationId(), envelope.eventTimestamp())
            .map(updated -> applied(List.of(), updated.orElse(call), updated.isPresent()));
      }
      return calls.insertTurns(conn, call.id(), PostCallData.turns(envelope.data()))
          .compose(turns -> calls.complete(conn, call.id(), PostCallData.completion(envelope))
              .map(updated -> applied(turns, updated.orElse(call), updated.isPresent())));
    });
  }

  /** Events in publishing order: inserted turns, then (when the call row changed) call_status, call_completed. */
  private static Applied applied(List<Transcription> turns, Call c, boolean callChanged) {
    List<CallEvent> events = new ArrayList<>();
    turns.forEach(t -> events.add(t.toEvent(c.callSid(), c.conversationId())));
    if (callChanged) {
      Instant at = c.callEndTime() != null ? c.callEndTime() : c.updatedAt();
      events.add(new CallStatusEvent(c.id(), c.callSid(), c.conversationId(), c.status(), at));
      events.add(new CallCompletedEvent(c.id(), c.callSid(), c.conversationId(), c.toJson(),
          c.lastSequenceNumber()));
    }
    return new Applied(events.isEmpty() ? Outcome.UNCHANGED : Outcome.APPLIED, events, c);
  }

  private Outcome publish(Applied applied) {
    CallEvents.publishAll(vertx.eventBus(), applied.events());
    return applied.outcome();
  }
}
