package io.callstream.bench;

import org.HdrHistogram.Histogram;

/**
 * Latency histograms in microseconds (up to 60 s, 3 significant digits), read back in milliseconds.
 */
final class Lat {
  private Lat() {}

  static Histogram histogram() {
    return new Histogram(60_000_000L, 3);
  }

  /**
   * Records a duration given in nanoseconds; negative durations (clock order races) count as zero.
   */
  static void record(Histogram h, long nanos) {
    h.recordValue(Math.min(Math.max(0, nanos / 1_000), h.getHighestTrackableValue()));
  }

  static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1_000.0;
  }

  static double maxMs(Histogram h) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1_000.0;
  }

  static String describe(Histogram h) {
    return String.format(
        "n=%d p50=%.3fms p90=%.3fms p99=%.3fms max=%.3fms",
        h.getTotalCount(), ms(h, 50), ms(h, 90), ms(h, 99), maxMs(h));
  }
}
