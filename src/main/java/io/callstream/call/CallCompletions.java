package io.callstream.call;

import io.callstream.events.CallEvent;
import io.callstream.events.CallEvents;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies post-call data to a call: finds the call (by conversation id, else callstream's
 * call_sid), then either marks it failed (call_initiation_failure) or merges the post-call
 * transcript and completes it (post_call_transcription). The webhook, the backfill and parked inbox
 * events all come through here, so they behave identically: idempotent, and events only when
 * something changed. Events are published only after the commit, in order: the inserted post-call
 * turns, then call_status, then call_completed.
 */
public final class CallCompletions {
  /** What applying did. */
  public enum Outcome {
    APPLIED,
    UNCHANGED,
    UNKNOWN_CALL
  }

  /**
   * The outcome of one application, the events it owes subscribers, the call afterwards (null if
   * unknown), whether the call row changed, and the event's timestamp.
   */
  public record Applied(
      Outcome outcome,
      List<CallEvent> events,
      Call call,
      boolean callChanged,
      Long eventTimestamp) {
    static final Applied UNKNOWN = new Applied(Outcome.UNKNOWN_CALL, List.of(), null, false, null);
  }

  private final Pool pool;
  private final EventBus bus;
  private final CallMetrics metrics;
  private final CallRepository calls = new CallRepository();
  private final TranscriptRepository transcripts = new TranscriptRepository();

  public CallCompletions(Pool pool, EventBus bus, CallMetrics metrics) {
    this.pool = pool;
    this.bus = bus;
    this.metrics = metrics;
  }

  /** Applies the event in its own transaction, then publishes its events. */
  public Future<Applied> apply(PostCallEvent event) {
    return pool.withTransaction(conn -> applyWithin(conn, event)).map(this::publish);
  }

  /**
   * Applies the event inside the caller's transaction (the caller stores the inbox row in the same
   * one) and publishes nothing: call {@link #publish} after the commit.
   */
  public Future<Applied> applyWithin(SqlConnection conn, PostCallEvent event) {
    return calls
        .findForUpdate(conn, event.conversationId(), event.callSid())
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.succeededFuture(Applied.UNKNOWN);
              }
              Call call = found.get();
              if (PostCallEvent.INITIATION_FAILURE.equals(event.type())) {
                String reason =
                    event.data().getValue("failure_reason") instanceof String r ? r : "unknown";
                return calls
                    .failFromPostCall(
                        conn, call.id(), reason, event.conversationId(), event.eventTimestamp())
                    .map(
                        updated ->
                            applied(List.of(), updated.orElse(call), updated.isPresent(), event));
              }
              return transcripts
                  .insertPostCallTurns(conn, call.id(), PostCallData.turns(event.data()))
                  .compose(
                      turns ->
                          calls
                              .complete(conn, call.id(), PostCallData.completion(event))
                              .map(
                                  updated ->
                                      applied(
                                          turns,
                                          updated.orElse(call),
                                          updated.isPresent(),
                                          event)));
            });
  }

  /**
   * A redelivered post-call event that changed nothing: when its call has ended, publishes the
   * final call_status and call_completed again from the database (the first delivery's events may
   * never have reached the bus).
   */
  public Future<Void> republishEnd(PostCallEvent event) {
    return calls
        .findByIdentifiers(pool, event.conversationId(), event.callSid())
        .map(
            found -> {
              found.filter(Call::ended).ifPresent(c -> CallEvents.publishAll(bus, c.endEvents()));
              return null;
            });
  }

  /**
   * After the commit: publishes what an application owes subscribers (nothing when it changed
   * nothing), counts it.
   */
  public Applied publish(Applied applied) {
    CallEvents.publishAll(bus, applied.events());
    if (applied.outcome() != Outcome.UNKNOWN_CALL) {
      metrics.applied(applied.eventTimestamp());
    }
    if (applied.callChanged()) {
      metrics.finished(applied.call());
    }
    return applied;
  }

  /**
   * Events in publishing order: inserted turns, then (when the call row changed) call_status,
   * call_completed.
   */
  private static Applied applied(
      List<Transcription> turns, Call c, boolean callChanged, PostCallEvent event) {
    List<CallEvent> events = new ArrayList<>();
    turns.forEach(t -> events.add(t.toEvent(c.callSid(), c.conversationId())));
    if (callChanged) {
      events.addAll(c.endEvents());
    }
    return new Applied(
        events.isEmpty() ? Outcome.UNCHANGED : Outcome.APPLIED,
        events,
        c,
        callChanged,
        event.eventTimestamp());
  }
}
