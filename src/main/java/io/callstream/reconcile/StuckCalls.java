package io.callstream.reconcile;

import io.callstream.call.Backfill;
import io.callstream.call.Call;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallRepository;
import io.callstream.failure.Failure;
import io.callstream.reconcile.ReconcileMetrics.Action;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The reconciler's first duty: counts the calls in_progress with no change for
 * RECONCILE_AFTER_SECONDS (the gauge) and fetches the conversations of at most
 * RECONCILE_MAX_FETCHES_PER_CYCLE of them from ElevenLabs, one request at a time, applying the
 * finished ones through {@link Backfill} (the post-call webhook's own code). Runs continue after
 * the last call fetched (round robin by call id), so no call waits behind a full batch forever.
 */
final class StuckCalls {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  private final Pool pool;
  private final Backfill backfill;
  private final ReconcileMetrics metrics;
  private final int afterSeconds;
  private final int maxFetches;
  private final BooleanSupplier leading;
  private final CallRepository calls = new CallRepository();

  /**
   * The last stuck call fetched: the next run continues after it, so no call waits behind a full
   * batch forever.
   */
  private long cursor;

  private boolean warnedNoApi;

  /**
   * {@code backfill} null: ElevenLabs is not configured, stuck calls are counted but not fetched.
   * {@code leading}: false once this node stopped or lost the lock; no further request is made.
   */
  StuckCalls(
      Pool pool,
      Backfill backfill,
      ReconcileMetrics metrics,
      int afterSeconds,
      int maxFetches,
      BooleanSupplier leading) {
    this.pool = pool;
    this.backfill = backfill;
    this.metrics = metrics;
    this.afterSeconds = afterSeconds;
    this.maxFetches = maxFetches;
    this.leading = leading;
  }

  Future<Void> run(RunTally tally) {
    return calls
        .countStuck(pool, afterSeconds)
        .compose(
            stuck -> {
              metrics.stuck(stuck);
              if (stuck > 0 && backfill == null && !warnedNoApi) {
                warnedNoApi = true;
                LOG.warning(
                    "reconcile: "
                        + stuck
                        + " calls stuck, but ELEVENLABS_API_KEY is unset: they are not fetched");
              }
              return fetchStuck(tally);
            });
  }

  private Future<Void> fetchStuck(RunTally tally) {
    int limit = maxFetches;
    if (backfill == null || limit == 0) {
      return Future.succeededFuture();
    }
    return calls
        .stuck(pool, afterSeconds, cursor, limit)
        .compose(
            stuck -> {
              // a short batch reached the end: the next run starts from the beginning again
              cursor = stuck.size() < limit ? 0 : stuck.get(stuck.size() - 1).id();
              Future<Void> chain = Future.succeededFuture();
              for (Call call : stuck) {
                chain =
                    chain.compose(
                        v ->
                            leading.getAsBoolean() ? fetch(call, tally) : Future.succeededFuture());
              }
              return chain;
            });
  }

  /** One conversation, one request; a failure is this call's, never the run's. */
  private Future<Void> fetch(Call call, RunTally tally) {
    tally.fetched++;
    metrics.action(Action.FETCHED, 1);
    return backfill
        .fetch(call.conversationId())
        .onSuccess(
            result -> {
              if (result.outcome() == CallCompletions.Outcome.APPLIED
                  && result.call() != null
                  && result.call().ended()) {
                tally.completed++;
                metrics.action(Action.COMPLETED, 1);
              }
            })
        .<Void>mapEmpty()
        .recover(
            e -> {
              if (e instanceof Failure f && f.is(Failure.Kind.NOT_FOUND)) {
                metrics.action(Action.NOT_FOUND, 1);
                LOG.info(
                    "reconcile: call "
                        + call.callSid()
                        + " stuck, conversation "
                        + call.conversationId()
                        + " not found: "
                        + e.getMessage());
              } else if (!(e instanceof Failure f && f.is(Failure.Kind.CONFLICT))) {
                // CONFLICT: ElevenLabs has not finished the conversation yet; asked again next run
                LOG.warning(
                    "reconcile: fetching conversation "
                        + call.conversationId()
                        + " of call "
                        + call.callSid()
                        + " failed: "
                        + e.getMessage());
              }
              return Future.succeededFuture();
            });
  }
}
