package io.callstream.reconcile;

import io.callstream.audio.AudioRepository;
import io.callstream.call.CallRepository;
import io.callstream.call.ParkedEvents;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.logging.Logger;

/**
 * DATA_RETENTION_DAYS, the reconciler's last duty on the leader: one transaction per run deletes at
 * most {@link #BATCH} ended calls created more than that many days ago (their transcript turns by
 * ON DELETE CASCADE) and their recordings stored in PostgreSQL; then one statement deletes at most
 * {@link #BATCH} applied inbox rows received that long ago (through {@link ParkedEvents}, the inbox
 * as the reconciler knows it). The statements are the tables' owners' own ({@code CallRepository},
 * {@code AudioRepository}, {@code webhook.InboxRepository}), the ones the operator's {@code purge}
 * runs over JDBC; recordings in S3 are left to AUDIO_RETENTION_DAYS (which deletes the object with
 * its row). A backlog drains one batch per run.
 */
final class DataRetention {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  /**
   * Calls (and inbox rows) per run: one run stays a short transaction however much has piled up.
   */
  static final int BATCH = 1000;

  /** What one pass deleted. */
  record Pass(int calls, long transcriptions, long recordings, long s3Left, int inboxRows) {
    boolean any() {
      return calls + transcriptions + recordings + inboxRows > 0;
    }
  }

  private final Pool pool;
  private final ParkedEvents inbox;
  private final int days;

  DataRetention(Pool pool, ParkedEvents inbox, int days) {
    this.pool = pool;
    this.inbox = inbox;
    this.days = days;
  }

  boolean enabled() {
    return days > 0;
  }

  /** One pass as the reconciler's duty: logged when it deleted anything, counted in the tally. */
  Future<Void> run(RunTally tally, ReconcileMetrics metrics) {
    return run()
        .onSuccess(
            pass -> {
              if (pass.any()) {
                LOG.info(
                    "reconcile: purged (DATA_RETENTION_DAYS="
                        + days
                        + ") calls="
                        + pass.calls()
                        + " transcriptions="
                        + pass.transcriptions()
                        + " recordings="
                        + pass.recordings()
                        + " inbox_rows="
                        + pass.inboxRows()
                        + (pass.s3Left() > 0
                            ? " ("
                                + pass.s3Left()
                                + " S3 recordings left to "
                                + "AUDIO_RETENTION_DAYS)"
                            : ""));
              }
              tally.purgedCalls += pass.calls();
              metrics.purged(ReconcileMetrics.Purged.CALLS, pass.calls());
              metrics.purged(ReconcileMetrics.Purged.TRANSCRIPTIONS, pass.transcriptions());
              metrics.purged(ReconcileMetrics.Purged.RECORDINGS, pass.recordings());
              metrics.purged(ReconcileMetrics.Purged.INBOX_ROWS, pass.inboxRows());
            })
        .mapEmpty();
  }

  Future<Pass> run() {
    if (!enabled()) {
      return Future.succeededFuture(new Pass(0, 0, 0, 0, 0));
    }
    return pool.withTransaction(
            tx ->
                CallRepository.purgeEnded(tx, days, BATCH)
                    .compose(
                        calls ->
                            AudioRepository.purgeKeys(tx, calls.audioKeys())
                                .map(
                                    audio ->
                                        new Pass(
                                            calls.calls(),
                                            calls.transcriptions(),
                                            audio.deleted(),
                                            audio.s3Left(),
                                            0))))
        .compose(
            pass ->
                inbox
                    .purgeApplied(days, BATCH)
                    .map(
                        rows ->
                            new Pass(
                                pass.calls(),
                                pass.transcriptions(),
                                pass.recordings(),
                                pass.s3Left(),
                                rows)));
  }
}
