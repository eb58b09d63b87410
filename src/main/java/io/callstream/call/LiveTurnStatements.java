package io.callstream.call;

import io.callstream.db.DatabaseErrors;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the batches of a {@link LiveTurnWriter}: one statement per batch, re-run after a unique
 * violation or a deadlock, turn by turn when one row's values are refused; announces each committed
 * statement to the commit listener, then answers each turn. Confined to the writer's event loop, as
 * the writer is.
 */
final class LiveTurnStatements {
  private static final Logger LOG = Logger.getLogger(LiveTurnStatements.class.getName());

  /**
   * Deadlocks (40P01) a batch survives; unique violations are bounded by the batch size instead.
   */
  private static final int DEADLOCK_RETRIES = 3;

  private final Pool pool;
  private final TranscriptRepository transcripts = new TranscriptRepository();
  private BiConsumer<List<LiveTurn>, List<LiveTurnResult>> committed = (requests, results) -> {};
  private long retries;
  private long isolated;

  LiveTurnStatements(Pool pool) {
    this.pool = pool;
  }

  void onCommitted(BiConsumer<List<LiveTurn>, List<LiveTurnResult>> listener) {
    this.committed = listener;
  }

  /** Batches re-run after a unique violation or a deadlock. */
  long retries() {
    return retries;
  }

  /** Batches re-run turn by turn to isolate a refused row. */
  long isolated() {
    return isolated;
  }

  /** Runs one batch and answers each request's promise (same positions); never fails. */
  Future<Void> run(List<LiveTurn> requests, List<Promise<LiveTurnResult>> answers) {
    return attempt(requests, requests.size(), DEADLOCK_RETRIES)
        .transform(
            done -> {
              if (done.succeeded()) {
                List<LiveTurnResult> results = done.result();
                announce(requests, results);
                for (int i = 0; i < answers.size(); i++) {
                  answers.get(i).tryComplete(results.get(i));
                }
                return Future.succeededFuture();
              }
              if (requests.size() > 1 && rowError(done.cause())) {
                isolated++;
                return oneByOne(requests, answers, 0);
              }
              answers.forEach(p -> p.tryFail(done.cause()));
              return Future.succeededFuture();
            });
  }

  private void announce(List<LiveTurn> requests, List<LiveTurnResult> results) {
    try {
      committed.accept(requests, results);
    } catch (RuntimeException e) { // stored all the same: the writers still get their answers
      LOG.log(Level.WARNING, "announcing stored live turns failed", e);
    }
  }

  /**
   * Re-runs a failed batch one turn at a time, in arrival order (so numbering stays in arrival
   * order), so that a turn the database refuses fails alone.
   */
  private Future<Void> oneByOne(
      List<LiveTurn> requests, List<Promise<LiveTurnResult>> answers, int index) {
    if (index == requests.size()) {
      return Future.succeededFuture();
    }
    Promise<LiveTurnResult> answer = answers.get(index);
    List<LiveTurn> one = List.of(requests.get(index));
    return attempt(one, 1, DEADLOCK_RETRIES)
        .transform(
            done -> {
              if (done.succeeded()) {
                announce(one, done.result());
                answer.tryComplete(done.result().get(0));
              } else {
                answer.tryFail(done.cause());
              }
              return oneByOne(requests, answers, index + 1);
            });
  }

  /**
   * One statement, re-run after a unique violation or a deadlock; either rolled the whole statement
   * back, so a re-run neither loses nor renumbers anyone. A unique violation means another
   * transaction committed one of this batch's turns after this statement's snapshot; the re-run
   * sees it as stored, so each turn causes at most one and a batch of n turns is allowed n such
   * re-runs.
   */
  private Future<List<LiveTurnResult>> attempt(
      List<LiveTurn> requests, int uniqueRetries, int deadlockRetries) {
    return transcripts
        .insertLive(pool, requests)
        .recover(
            e -> {
              if (DatabaseErrors.uniqueViolation(e) && uniqueRetries > 0) {
                retries++;
                return attempt(requests, uniqueRetries - 1, deadlockRetries);
              }
              if (DatabaseErrors.deadlock(e) && deadlockRetries > 0) {
                retries++;
                return attempt(requests, uniqueRetries, deadlockRetries - 1);
              }
              return Future.failedFuture(e);
            });
  }

  /**
   * Data exceptions (22) and integrity violations (23) other than the retried 23505 come from one
   * row's values.
   */
  private static boolean rowError(Throwable e) {
    String state = DatabaseErrors.sqlState(e);
    return state != null
        && (state.startsWith("22") || state.startsWith("23"))
        && !DatabaseErrors.uniqueViolation(e);
  }
}
