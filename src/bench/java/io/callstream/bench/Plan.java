package io.callstream.bench;

/**
 * Sizes and durations of one benchmark run. {@link #quick()} fits in about two minutes, {@link
 * #full()} in about eight; the socket counts are the and are the same in both.
 */
record Plan(
    String name,
    int pgbenchSeconds,
    int ingestWarmupSeconds,
    int ingestSeconds,
    int ingestSenders,
    int ingestCalls,
    int roundTrips,
    int latencyWarmupSeconds,
    int latencySeconds,
    int latencyRate,
    int latencySubscribers,
    int latencyCalls,
    int fanoutSockets,
    int fanoutEvents,
    int heapSmall,
    int heapLarge,
    int readySamples,
    int stallWarmupSeconds,
    int stallSeconds,
    int stallRate,
    int stallSeedTurns) {

  static Plan quick() {
    return new Plan(
        "quick", 5, 6, 5, 16, 20, 3_000, 2, 5, 1_000, 1_000, 100, 15_000, 3, 1_000, 10_000, 1, 5,
        25, 1_000, 100_000);
  }

  /**
   * A few seconds of everything at small sizes: checks the harness itself, measures nothing worth
   * keeping.
   */
  static Plan smoke() {
    return new Plan(
        "smoke", 2, 1, 2, 16, 20, 300, 1, 2, 200, 100, 20, 1_000, 1, 100, 1_000, 1, 1, 2, 200,
        1_000);
  }

  static Plan full() {
    return new Plan(
        "full", 30, 10, 30, 16, 20, 20_000, 5, 30, 1_000, 1_000, 100, 15_000, 10, 1_000, 10_000, 3,
        20, 45, 1_000, 200_000);
  }
}
