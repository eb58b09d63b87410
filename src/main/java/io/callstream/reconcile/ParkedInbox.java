package io.callstream.reconcile;

import io.callstream.call.ParkedEvents;
import io.callstream.reconcile.ReconcileMetrics.Action;
import io.vertx.core.Future;
import java.util.logging.Logger;

/**
 * The reconciler's inbox duties: applies pending (parked) inbox events whose call now exists (an
 * event parked while the call start was committing), then expires those older than
 * INBOX_PARKED_RETENTION_HOURS whose call never appeared (status {@code expired}, the body kept).
 * At most {@link Reconciler#BATCH} rows each per run.
 */
final class ParkedInbox {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  private final ParkedEvents parked;
  private final ReconcileMetrics metrics;
  private final int retentionHours;

  ParkedInbox(ParkedEvents parked, ReconcileMetrics metrics, int retentionHours) {
    this.parked = parked;
    this.metrics = metrics;
    this.retentionHours = retentionHours;
  }

  /**
   * Applies, then expires: a row whose call appeared at the last moment is applied, not expired.
   */
  Future<Void> run(RunTally tally) {
    return apply(tally).compose(v -> expire(tally));
  }

  private Future<Void> apply(RunTally tally) {
    return parked
        .withCall(Reconciler.BATCH)
        .compose(
            keys -> {
              Future<Void> chain = Future.succeededFuture();
              for (ParkedEvents.Key key : keys) {
                chain = chain.compose(v -> apply(key, tally));
              }
              return chain;
            });
  }

  /** One conversation's parked events; a failure is this row's, never the run's. */
  private Future<Void> apply(ParkedEvents.Key key, RunTally tally) {
    return parked
        .applyParked(key.conversationId(), key.callSid())
        .onSuccess(
            applied -> {
              tally.parkedApplied += applied;
              metrics.action(Action.PARKED_APPLIED, applied);
            })
        .<Void>mapEmpty()
        .recover(
            e -> {
              LOG.warning(
                  "reconcile: applying parked events of conversation "
                      + key.conversationId()
                      + " / call "
                      + key.callSid()
                      + " failed: "
                      + e.getMessage());
              return Future.succeededFuture();
            });
  }

  private Future<Void> expire(RunTally tally) {
    int hours = retentionHours;
    return parked
        .expire(hours, Reconciler.BATCH)
        .onSuccess(
            rows -> {
              if (rows > 0) {
                LOG.warning(
                    "reconcile: "
                        + rows
                        + " parked post-call events expired: their call did not appear within "
                        + hours
                        + " h (kept in webhook_events with status 'expired')");
              }
              tally.parkedExpired += rows;
              metrics.expired(rows);
            })
        .mapEmpty();
  }
}
