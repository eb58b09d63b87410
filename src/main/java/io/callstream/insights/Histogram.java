package io.callstream.insights;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;

/**
 * Calls by value range: equal-width buckets {@code [from, to)} from 0 up to the bucket holding the
 * largest value, at most {@link #MAX_BUCKETS}, the width a round number picked from that largest
 * value. No bucket (and a null width) when no call in the range has a value.
 */
public record Histogram(BigDecimal width, List<Bucket> buckets) {
  public static final int MAX_BUCKETS = 10;

  /** Widths for durations in seconds, below an hour: round numbers of seconds and minutes. */
  private static final long[] SECONDS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600};

  public static final Histogram EMPTY = new Histogram(null, List.of());

  public record Bucket(BigDecimal from, BigDecimal to, long calls) {
    JsonObject toJson() {
      return new JsonObject().put("from", number(from)).put("to", number(to)).put("calls", calls);
    }
  }

  /** How many buckets of this width hold values from 0 to max. */
  public static int bucketCount(BigDecimal max, BigDecimal width) {
    return max.divideToIntegralValue(width).intValueExact() + 1;
  }

  /**
   * The smallest width of {@code 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h}, then 1-2-5
   * hours, that puts max into at most {@link #MAX_BUCKETS} buckets.
   */
  public static BigDecimal secondsWidth(long max) {
    for (long w : SECONDS) {
      if (max < MAX_BUCKETS * w) {
        return BigDecimal.valueOf(w);
      }
    }
    return roundWidth(BigDecimal.valueOf(max), BigDecimal.valueOf(3600));
  }

  /** The smallest 1-2-5 width (0.01, 0.02, 0.05, 0.1, ... 1, 2, 5, 10 ...) for max. */
  public static BigDecimal roundWidth(double max) {
    return roundWidth(BigDecimal.valueOf(max), new BigDecimal("0.01"));
  }

  private static BigDecimal roundWidth(BigDecimal max, BigDecimal unit) {
    BigDecimal limit = max.divide(BigDecimal.valueOf(MAX_BUCKETS));
    for (BigDecimal decade = unit; ; decade = decade.scaleByPowerOfTen(1)) {
      for (int step : new int[] {1, 2, 5}) {
        BigDecimal w = decade.multiply(BigDecimal.valueOf(step));
        if (limit.compareTo(w) < 0) {
          return w;
        }
      }
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("bucket_width", width == null ? null : number(width))
        .put("buckets", new JsonArray(buckets.stream().map(Bucket::toJson).toList()));
  }

  /** A whole number as an integer, else as a double (never 1E+1 in JSON). */
  static Number number(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    return s.scale() <= 0 ? s.longValueExact() : s.doubleValue();
  }
}
