package io.callstream.reconcile;

import io.callstream.call.Backfill;
import io.callstream.call.CallMetrics;
import io.callstream.call.ParkedEvents;
import io.callstream.config.ReconcileConfig;
import io.callstream.reconcile.ReconcileMetrics.Run;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Settles what the webhooks left unsettled, on one node at a time ({@link LeaderLock}). Every
 * RECONCILE_INTERVAL_SECONDS each node refreshes the inbox gauges and asks for the lock; the leader
 * then
 *
 * <ol>
 *   <li>fetches from ElevenLabs the conversations of calls in_progress with no change for
 *       RECONCILE_AFTER_SECONDS, at most RECONCILE_MAX_FETCHES_PER_CYCLE, one request at a time,
 *       and applies the finished ones through {@link Backfill} (the post-call webhook's own code:
 *       idempotent, broadcast after the commit) ({@link StuckCalls});
 *   <li>marks calls initiated that long ago without a conversation id failed (the dial never came
 *       back), publishing call_status and call_completed as a failed dial does ({@link
 *       StaleStarts});
 *   <li>applies pending inbox events whose call now exists (an event parked while the call start
 *       was committing) ({@link ParkedInbox});
 *   <li>expires pending (parked) inbox events older than INBOX_PARKED_RETENTION_HOURS whose call
 *       never appeared: status {@code expired}, the body kept, counted in {@code
 *       callstream_inbox_expired_total};
 *   <li>with DATA_RETENTION_DAYS above 0, purges one batch of ended calls, their turns and
 *       recordings, and applied inbox rows older than that ({@link DataRetention}), counted in
 *       {@code callstream_purged_total{what}}.
 * </ol>
 *
 * Each duty is a plain class this one composes; this one schedules the runs, holds the lock and
 * logs each run's {@link RunTally}. The next run is scheduled when one ends, so runs never overlap.
 * Every duty is idempotent: a leadership change in the middle of a run costs at most one duplicate
 * fetch, never a wrong state.
 */
public final class Reconciler {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  /** Rows per run for the database-only duties (cheap, but bounded so one run stays short). */
  static final int BATCH = 100;

  private final Vertx vertx;
  private final LeaderLock lock;
  private final ParkedEvents parked;
  private final ReconcileMetrics metrics;
  private final ReconcileConfig settings;
  private final StuckCalls stuckCalls;
  private final StaleStarts staleStarts;
  private final ParkedInbox parkedInbox;
  private final DataRetention retention;

  private long timer = -1;
  private boolean stopped;
  private Future<?> running = Future.succeededFuture();

  /** The tally of the last run that was leader (for {@link #runNow}). */
  private RunTally last = new RunTally();

  /**
   * {@code backfill} null: ElevenLabs is not configured (no API key), stuck calls are counted but
   * not fetched. {@code lock} owns a dedicated connection, never one of {@code pool}'s.
   */
  public Reconciler(
      Vertx vertx,
      Pool pool,
      LeaderLock lock,
      Backfill backfill,
      ParkedEvents parked,
      CallMetrics callMetrics,
      MeterRegistry registry,
      ReconcileConfig settings) {
    this.vertx = vertx;
    this.lock = lock;
    this.parked = parked;
    this.metrics = new ReconcileMetrics(registry);
    this.settings = settings;
    this.stuckCalls =
        new StuckCalls(
            pool,
            backfill,
            metrics,
            settings.afterSeconds(),
            settings.maxFetchesPerCycle(),
            this::leading);
    this.staleStarts = new StaleStarts(vertx, pool, callMetrics, metrics, settings.afterSeconds());
    this.parkedInbox = new ParkedInbox(parked, metrics, settings.parkedRetentionHours());
    this.retention = new DataRetention(pool, parked, settings.dataRetentionDays());
  }

  /** Schedules the first run one interval from now. Call from the context the runs should use. */
  public void start() {
    schedule();
  }

  /** No further runs; waits (boundedly) for the current one, then gives up the lock. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return running
        .timeout(5, TimeUnit.SECONDS)
        .recover(e -> Future.succeededFuture())
        .compose(v -> lock.release())
        .andThen(v -> metrics.leader(false));
  }

  private void schedule() {
    if (!stopped) {
      timer =
          vertx.setTimer(
              TimeUnit.SECONDS.toMillis(settings.intervalSeconds()),
              id -> {
                running = runOnce();
                running.onComplete(done -> schedule());
              });
    }
  }

  /**
   * One run now, outside the schedule (the operator's {@code reconcile now}): "ok fetched=…
   * completed=… marked_failed=… parked_applied=…", "not_leader" (another node holds the lock) or
   * "error".
   */
  public Future<String> runNow() {
    return runOnce()
        .map(run -> run == Run.OK ? "ok " + last : run.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** One run on this node; never fails (the outcome is counted). */
  Future<Run> runOnce() {
    return parked
        .backlog()
        .compose(
            inbox -> {
              metrics.inbox(inbox.pending(), inbox.oldestAgeSeconds(), inbox.failed());
              // once stopping, never open a lock connection again
              return stopped ? Future.succeededFuture(false) : lock.acquire();
            })
        .compose(
            leader -> {
              if (!leader || stopped) {
                metrics.notLeader();
                return Future.succeededFuture(Run.NOT_LEADER);
              }
              return duties().map(Run.OK);
            })
        .recover(
            e -> {
              LOG.warning("reconcile run failed: " + e);
              return Future.succeededFuture(Run.ERROR);
            })
        .andThen(
            outcome -> {
              metrics.run(outcome.result());
              metrics.leader(lock.held() && !stopped);
            });
  }

  /** Still the leader: not stopping, and the lock's session is alive. */
  private boolean leading() {
    return !stopped && lock.held();
  }

  private Future<Void> duties() {
    RunTally tally = new RunTally();
    last = tally;
    return stuckCalls
        .run(tally)
        .compose(v -> staleStarts.run(tally))
        .compose(v -> parkedInbox.run(tally))
        .compose(v -> purge(tally))
        .onSuccess(
            v -> {
              if (tally.any()) {
                LOG.info("reconcile " + tally);
              }
            });
  }

  private Future<Void> purge(RunTally tally) {
    if (!retention.enabled() || !leading()) {
      return Future.succeededFuture();
    }
    return retention.run(tally, metrics);
  }
}
