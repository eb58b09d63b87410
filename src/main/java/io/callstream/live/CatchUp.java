package io.callstream.live;

import io.callstream.call.Call;
import io.callstream.call.CallRepository;
import io.callstream.call.TranscriptRepository;
import io.callstream.call.Transcription;
import io.callstream.db.UnavailableRetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The live role's reads of PostgreSQL: resolving identifiers, subscription snapshots, gap repairs.
 * Each read is tried again while the database is unavailable, for up to {@link #RETRY_BOUND_MS}: a
 * dashboard rides out a PostgreSQL restart or a short stall (its socket stays open; events arriving
 * meanwhile are held, bounded) instead of being closed with 1011.
 */
final class CatchUp {
  /**
   * How long a read is tried again while the database is unavailable; longer than a restart or a
   * short stall.
   */
  static final long RETRY_BOUND_MS = 30_000;

  /** The call row, then the turns after {@code since} (empty without since), read in that order. */
  record Snapshot(Call call, List<Transcription> turns) {}

  private final Pool pool;
  private final UnavailableRetry retry;
  private final CallRepository calls = new CallRepository();
  private final TranscriptRepository transcripts = new TranscriptRepository();

  CatchUp(Vertx vertx, Pool pool) {
    this.pool = pool;
    this.retry = new UnavailableRetry(vertx, RETRY_BOUND_MS);
  }

  /** Calls not ended yet, newest first (the fleet feed's snapshot). */
  Future<List<Call>> active(int limit) {
    return retry.run(() -> calls.active(pool, limit));
  }

  /** Which of these calls have ended (the end-of-call check of waiting subscriptions). */
  Future<List<Call>> ended(Collection<Long> callIds) {
    Long[] ids = callIds.toArray(new Long[0]);
    return retry.run(() -> calls.endedAmong(pool, ids));
  }

  Future<Optional<Call>> resolve(String identifier) {
    return retry.run(() -> calls.findByIdentifier(pool, identifier));
  }

  /**
   * Read after the subscription was registered: every turn committed before this read is in it,
   * every later one arrives on the bus. {@code since} beyond the call's last sequence number counts
   * as that number.
   */
  Future<Snapshot> snapshot(long callId, Integer since) {
    return retry.run(() -> readSnapshot(callId, since));
  }

  private Future<Snapshot> readSnapshot(long callId, Integer since) {
    return call(callId)
        .compose(
            call ->
                since == null
                    ? Future.succeededFuture(new Snapshot(call, List.of()))
                    : transcripts
                        .after(pool, callId, Math.min(since, call.lastSequenceNumber()))
                        .map(turns -> new Snapshot(call, turns)));
  }

  /** The call (for its current ids) and its turns after < n <= upTo. */
  Future<Snapshot> range(long callId, int after, int upTo) {
    return retry.run(() -> readRange(callId, after, upTo));
  }

  private Future<Snapshot> readRange(long callId, int after, int upTo) {
    Future<Call> call = call(callId);
    Future<List<Transcription>> turns = transcripts.range(pool, callId, after, upTo);
    return Future.all(call, turns).map(v -> new Snapshot(call.result(), turns.result()));
  }

  private Future<Call> call(long callId) {
    return calls
        .findById(pool, callId)
        .map(
            found ->
                found.orElseThrow(
                    () -> new NoSuchElementException("call " + callId + " disappeared")));
  }
}
