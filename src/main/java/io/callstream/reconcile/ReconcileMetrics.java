package io.callstream.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the reconciler tells operators (Prometheus names, used by the alerts): {@code
 * callstream_reconciler_runs_total{outcome}}, {@code callstream_reconciler_actions_total{action}},
 * {@code callstream_calls_stuck} (only on the leader: a former leader removes it, so {@code max()}
 * over nodes is the leader's count), and the inbox gauges {@code callstream_inbox_pending} and
 * {@code callstream_inbox_oldest_pending_age_seconds} (pending rows only: expired ones are not
 * counted), refreshed by every node, {@code callstream_inbox_expired_total} (parked rows the leader
 * expired) and {@code callstream_reconciler_leader} (1 on the node holding the leader lock, 0 on
 * the others: {@code sum()} over nodes is 0 when nobody leads), {@code
 * callstream_purged_total{what="calls|transcriptions|recordings|inbox_rows"}} (what the leader's
 * DATA_RETENTION_DAYS pass deleted). Every counter is registered at zero, so a rate over it exists
 * before the first event.
 */
final class ReconcileMetrics {
  /** How a run ended. */
  enum Run {
    OK,
    ERROR,
    NOT_LEADER
  }

  /** What the DATA_RETENTION_DAYS pass deleted ({@code callstream_purged_total{what}}). */
  enum Purged {
    CALLS,
    TRANSCRIPTIONS,
    RECORDINGS,
    INBOX_ROWS
  }

  /** What a run did. */
  enum Action {
    FETCHED,
    COMPLETED,
    MARKED_FAILED,
    PARKED_APPLIED,
    NOT_FOUND
  }

  static final String STUCK = "callstream_calls_stuck";

  private final MeterRegistry registry;
  private final Map<Run, Counter> runs = new EnumMap<>(Run.class);
  private final Map<Action, Counter> actions = new EnumMap<>(Action.class);
  private final AtomicLong stuck = new AtomicLong();
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Double> oldestPending = new AtomicReference<>(0.0);
  private final AtomicBoolean leader = new AtomicBoolean();
  private final Counter expired;
  private final Map<Purged, Counter> purged = new EnumMap<>(Purged.class);
  private Gauge stuckGauge;

  ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Run r : Run.values()) {
      runs.put(
          r,
          Counter.builder("callstream_reconciler_runs")
              .description("reconciler runs by outcome")
              .tag("outcome", name(r))
              .register(registry));
    }
    for (Action a : Action.values()) {
      actions.put(
          a,
          Counter.builder("callstream_reconciler_actions")
              .description("what the reconciler did")
              .tag("action", name(a))
              .register(registry));
    }
    for (Purged p : Purged.values()) {
      purged.put(
          p,
          Counter.builder("callstream_purged")
              .description("rows deleted by DATA_RETENTION_DAYS (leader)")
              .tag("what", name(p))
              .register(registry));
    }
    expired =
        Counter.builder("callstream_inbox_expired")
            .description(
                "parked webhook_events rows expired after INBOX_PARKED_RETENTION_HOURS (call never appeared)")
            .register(registry);
    Gauge.builder("callstream_inbox_pending", pending, AtomicLong::get)
        .description("webhook_events rows with status pending (parked)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("callstream_inbox_failed", failed, AtomicLong::get)
        .description(
            "webhook_events rows with status failed (kept, could not be applied; see their error)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("callstream_inbox_oldest_pending_age", oldestPending, AtomicReference::get)
        .baseUnit("seconds")
        .description("age of the oldest pending webhook_events row; 0 when none")
        .strongReference(true)
        .register(registry);
    Gauge.builder("callstream_reconciler_leader", leader, l -> l.get() ? 1 : 0)
        .description("1 while this node holds the reconciler's leader lock, else 0")
        .strongReference(true)
        .register(registry);
  }

  /** Whether this node holds the leader lock, as of the end of its last run (or its stop). */
  void leader(boolean holds) {
    leader.set(holds);
  }

  void run(Run outcome) {
    runs.get(outcome).increment();
  }

  void action(Action action, int count) {
    if (count > 0) {
      actions.get(action).increment(count);
    }
  }

  void purged(Purged what, long rows) {
    if (rows > 0) {
      purged.get(what).increment(rows);
    }
  }

  void expired(int rows) {
    if (rows > 0) {
      expired.increment(rows);
    }
  }

  void inbox(long pendingRows, double oldestAgeSeconds, long failedRows) {
    pending.set(pendingRows);
    failed.set(failedRows);
    oldestPending.set(oldestAgeSeconds);
  }

  /** The leader's count of stuck calls: exported only while this node leads. */
  void stuck(long calls) {
    stuck.set(calls);
    if (stuckGauge == null) {
      stuckGauge =
          Gauge.builder(STUCK, stuck, AtomicLong::get)
              .description(
                  "calls in_progress with no change for longer than RECONCILE_AFTER_SECONDS (leader only)")
              .strongReference(true)
              .register(registry);
    }
  }

  /** This node does not lead (any more): its stuck count would be stale. */
  void notLeader() {
    if (stuckGauge != null) {
      registry.remove(stuckGauge);
      stuckGauge = null;
    }
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
