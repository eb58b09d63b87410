package io.callstream.config;

/**
 * The reconciler (io.callstream.reconcile): every {@code intervalSeconds} one node settles calls
 * that have been stuck longer than {@code afterSeconds}, asking ElevenLabs about at most {@code
 * maxFetchesPerCycle} of them; with {@code dataRetentionDays} above 0 the leader also purges ended
 * calls and applied inbox rows older than that.
 */
public record ReconcileConfig(
    boolean enabled,
    int intervalSeconds,
    int afterSeconds,
    int maxFetchesPerCycle,
    int parkedRetentionHours,
    int dataRetentionDays) {
  static ReconcileConfig from(Settings s) {
    return new ReconcileConfig(
        s.bool("RECONCILE_ENABLED", true),
        s.integer("RECONCILE_INTERVAL_SECONDS", 60, 1, 86_400),
        s.integer("RECONCILE_AFTER_SECONDS", 900, 1, 604_800),
        s.integer("RECONCILE_MAX_FETCHES_PER_CYCLE", 20, 0, 10_000),
        s.integer("INBOX_PARKED_RETENTION_HOURS", 72, 1, 87_600),
        s.integer("DATA_RETENTION_DAYS", 0, 0, 36_500));
  }
}
