package io.callstream.reconcile;

import io.callstream.call.Call;
import io.callstream.call.CallMetrics;
import io.callstream.call.CallRepository;
import io.callstream.events.CallEvents;
import io.callstream.reconcile.ReconcileMetrics.Action;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.logging.Logger;

/**
 * The reconciler's second duty: calls still initiated without a conversation id
 * RECONCILE_AFTER_SECONDS after they were created (the dial never came back) become failed, at most
 * {@link Reconciler#BATCH} per run, publishing call_status and call_completed as a failed dial
 * does.
 */
final class StaleStarts {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  private final Vertx vertx;
  private final Pool pool;
  private final CallMetrics callMetrics;
  private final ReconcileMetrics metrics;
  private final int afterSeconds;
  private final CallRepository calls = new CallRepository();

  StaleStarts(
      Vertx vertx, Pool pool, CallMetrics callMetrics, ReconcileMetrics metrics, int afterSeconds) {
    this.vertx = vertx;
    this.pool = pool;
    this.callMetrics = callMetrics;
    this.metrics = metrics;
    this.afterSeconds = afterSeconds;
  }

  Future<Void> run(RunTally tally) {
    String reason =
        "no_conversation_id: still initiated after "
            + afterSeconds
            + " s without a conversation id from ElevenLabs (marked failed by the reconciler)";
    return calls
        .failStaleInitiated(pool, afterSeconds, reason, Reconciler.BATCH)
        .onSuccess(
            failed -> {
              for (Call c : failed) {
                LOG.info("reconcile: call " + c.callSid() + " marked failed: " + reason);
                // committed: the same events as a failed dial
                CallEvents.publishAll(vertx.eventBus(), c.endEvents());
                callMetrics.finished(c);
              }
              tally.markedFailed += failed.size();
              metrics.action(Action.MARKED_FAILED, failed.size());
            })
        .mapEmpty();
  }
}
