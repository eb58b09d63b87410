package io.callstream.live;

import io.callstream.call.Call;
import io.callstream.call.CallRepository;
import io.callstream.call.TranscriptRepository;
import io.callstream.call.Transcription;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** The live role's reads of PostgreSQL: resolving identifiers, subscription snapshots, gap repairs. */
final class CatchUp {
  /** The call row, then the turns after {@code since} (empty without since), read in that order. */
  record Snapshot(Call call, List<Transcription> turns) {}

  private final Pool pool;
  private final CallRepository calls = new CallRepository();
  private final TranscriptRepository transcripts = new TranscriptRepository();

  CatchUp(Pool pool) {
    this.pool = pool;
  }

  /** Calls not ended yet, newest first (the fleet feed's snapshot). */
  Future<List<Call>> active(int limit) {
    return calls.active(pool, limit);
  }

  /** Which of these calls have ended (the end-of-call check of waiting subscriptions). */
  Future<List<Call>> ended(Collection<Long> callIds) {
    return calls.endedAmong(pool, callIds.toArray(new Long[0]));
  }

  Future<Optional<Call>> resolve(String identifier) {
    return calls.findByIdentifier(pool, identifier);
  }

  /**
   * Read after the subscription was registered: every turn committed before this read is in it, every later
   * one arrives on the bus. {@code since} beyond the call's last sequence number counts as that number.
   */
  Future<Snapshot> snapshot(long callId, Integer since) {
    return call(callId).compose(call -> since == null
        ? Future.succeededFuture(new Snapshot(call, List.of()))
        : transcripts.after(pool, callId, Math.min(since, call.lastSequenceNumber()))
            .map(turns -> new Snapshot(call, turns)));
  }

  /** The call (for its current ids) and its turns after < n <= upTo. */
  Future<Snapshot> range(long callId, int after, int upTo) {
    Future<Call> call = call(callId);
    Future<List<Transcription>> turns = transcripts.range(pool, callId, after, upTo);
    return Future.all(call, turns).map(v -> new Snapshot(call.result(), turns.result()));
  }

  private Future<Call> call(long callId) {
    return calls.findById(pool, callId).map(found -> found.orElseThrow(
        () -> new NoSuchElementException("call " + callId + " disappeared")));
  }
}
