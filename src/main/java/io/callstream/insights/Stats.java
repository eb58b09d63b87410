package io.callstream.insights;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/**
 * Summary figures of one measure (duration in seconds, or cost in credits) over the calls in the
 * range that have it: how many, their sum, mean, median (p50), 90th percentile (interpolated) and
 * largest value. All but {@code calls} are null when no call has the measure.
 */
public record Stats(long calls, Number total, Double mean, Double p50, Double p90, Number max) {

  /** From the columns {prefix}_calls, _total, _mean, _p50, _p90, _max of the totals query. */
  static Stats fromRow(Row r, String prefix) {
    return new Stats(
        r.getLong(prefix + "_calls"),
        exact(r.getValue(prefix + "_total")),
        rounded(r.getValue(prefix + "_mean")),
        rounded(r.getValue(prefix + "_p50")),
        rounded(r.getValue(prefix + "_p90")),
        exact(r.getValue(prefix + "_max")));
  }

  /** Whole numbers (seconds) as they are, fractions (credits) to 2 decimals. */
  private static Number exact(Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    return rounded(v);
  }

  private static Double rounded(Object v) {
    return v instanceof Number n ? Math.round(n.doubleValue() * 100) / 100.0 : null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("calls", calls)
        .put("total", total)
        .put("mean", mean)
        .put("p50", p50)
        .put("p90", p90)
        .put("max", max);
  }
}
