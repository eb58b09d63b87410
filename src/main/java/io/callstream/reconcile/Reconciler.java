package io.callstream.reconcile;

import io.callstream.call.Backfill;
import io.callstream.call.Call;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallMetrics;
import io.callstream.call.CallRepository;
import io.callstream.call.ParkedEvents;
import io.callstream.config.ReconcileConfig;
import io.callstream.events.CallEvents;
import io.callstream.failure.Failure;
import io.callstream.reconcile.ReconcileMetrics.Action;
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
 *       idempotent, broadcast after the commit);
 *   <li>marks calls initiated that long ago without a conversation id failed (the dial never came
 *       back), publishing call_status and call_completed as a failed dial does;
 *   <li>applies pending inbox events whose call now exists (an event parked while the call start
 *       was committing);
 *   <li>expires pending (parked) inbox events older than INBOX_PARKED_RETENTION_HOURS whose call
 *       never appeared: status {@code expired}, the body kept, counted in {@code
 *       callstream_inbox_expired_total};
 *   <li>with DATA_RETENTION_DAYS above 0, purges one batch of ended calls, their turns and
 *       recordings, and applied inbox rows older than that ({@link DataRetention}), counted in
 *       {@code callstream_purged_total{what}}.
 * </ol>
 *
 * The next run is scheduled when one ends, so runs never overlap. Every duty is idempotent: a
 * leadership change in the middle of a run costs at most one duplicate fetch, never a wrong state.
 */
public final class Reconciler {
  private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());

  /** Rows per run for the database-only duties (cheap, but bounded so one run stays short). */
  static final int BATCH = 100;

  private final Vertx vertx;
  private final Pool pool;
  private final LeaderLock lock;
  private final Backfill backfill;
  private final ParkedEvents parked;
  private final CallMetrics callMetrics;
  private final ReconcileMetrics metrics;
  private final ReconcileConfig settings;
  private final CallRepository calls = new CallRepository();
  private final DataRetention retention;

  /**
   * The last stuck call fetched: the next run continues after it, so no call waits behind a full
   * batch forever.
   */
  private long cursor;

  private long timer = -1;
  private boolean stopped;
  private boolean warnedNoApi;
  private Future<?> running = Future.succeededFuture();

  /** What one run did. */
  private static final class Tally {
    int fetched;
    int completed;
    int markedFailed;
    int parkedApplied;
    int parkedExpired;
    int purgedCalls;

    boolean any() {
      return fetched + completed + markedFailed + parkedApplied + parkedExpired + purgedCalls > 0;
    }

    @Override
    public String toString() {
      return "fetched="
          + fetched
          + " completed="
          + completed
          + " marked_failed="
          + markedFailed
          + " parked_applied="
          + parkedApplied
          + " parked_expired="
          + parkedExpired
          + " purged_calls="
          + purgedCalls;
    }
  }

  /** The tally of the last run that was leader (for {@link #runNow}). */
  private Tally last = new Tally();

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
    this.pool = pool;
    this.lock = lock;
    this.backfill = backfill;
    this.parked = parked;
    this.callMetrics = callMetrics;
    this.metrics = new ReconcileMetrics(registry);
    this.settings = settings;
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

  private Future<Void> duties() {
    Tally tally = new Tally();
    last = tally;
    return calls
        .countStuck(pool, settings.afterSeconds())
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
            })
        .compose(v -> markStale(tally))
        .compose(v -> applyParked(tally))
        .compose(v -> expireParked(tally))
        .compose(v -> purge(tally))
        .onSuccess(
            v -> {
              if (tally.any()) {
                LOG.info("reconcile " + tally);
              }
            });
  }

  private Future<Void> fetchStuck(Tally tally) {
    int limit = settings.maxFetchesPerCycle();
    if (backfill == null || limit == 0) {
      return Future.succeededFuture();
    }
    return calls
        .stuck(pool, settings.afterSeconds(), cursor, limit)
        .compose(
            stuck -> {
              // a short batch reached the end: the next run starts from the beginning again
              cursor = stuck.size() < limit ? 0 : stuck.get(stuck.size() - 1).id();
              Future<Void> chain = Future.succeededFuture();
              for (Call call : stuck) {
                chain =
                    chain.compose(
                        v ->
                            stopped || !lock.held()
                                ? Future.succeededFuture()
                                : fetch(call, tally));
              }
              return chain;
            });
  }

  /** One conversation, one request; a failure is this call's, never the run's. */
  private Future<Void> fetch(Call call, Tally tally) {
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

  private Future<Void> markStale(Tally tally) {
    String reason =
        "no_conversation_id: still initiated after "
            + settings.afterSeconds()
            + " s without a conversation id from ElevenLabs (marked failed by the reconciler)";
    return calls
        .failStaleInitiated(pool, settings.afterSeconds(), reason, BATCH)
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

  /** After applyParked: a row whose call appeared at the last moment is applied, not expired. */
  private Future<Void> expireParked(Tally tally) {
    int hours = settings.parkedRetentionHours();
    return parked
        .expire(hours, BATCH)
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

  private Future<Void> purge(Tally tally) {
    if (!retention.enabled() || stopped || !lock.held()) {
      return Future.succeededFuture();
    }
    return retention
        .run()
        .onSuccess(
            pass -> {
              if (pass.any()) {
                LOG.info(
                    "reconcile: purged (DATA_RETENTION_DAYS="
                        + settings.dataRetentionDays()
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

  private Future<Void> applyParked(Tally tally) {
    return parked
        .withCall(BATCH)
        .compose(
            keys -> {
              Future<Void> chain = Future.succeededFuture();
              for (ParkedEvents.Key key : keys) {
                chain =
                    chain.compose(
                        v ->
                            parked
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
                                    }));
              }
              return chain;
            });
  }
}
