package io.callstream.reconcile;

/** What one reconciler run did: each duty adds its counts, the run logs the sum. */
final class RunTally {
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
