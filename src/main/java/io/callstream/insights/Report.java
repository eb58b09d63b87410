package io.callstream.insights;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * The insights of a range (GET /insights; docs/insights.md): calls per day by outcome, calls and
 * success rate per violation type, duration and cost figures and histograms, and the totals.
 */
public record Report(
    InsightsRange range,
    List<Day> days,
    List<Type> types,
    int otherTypes,
    Stats duration,
    Stats cost,
    Histogram durations,
    Histogram costs) {

  /** The calls created on one day (in the range's time zone). */
  public record Day(LocalDate day, OutcomeCounts counts) {
    JsonObject toJson() {
      return new JsonObject()
          .put("day", day.toString())
          .put("calls", counts.calls())
          .put("by_outcome", counts.toJson());
    }
  }

  /** The calls about one violation type; null: calls that named none (inbound calls). */
  public record Type(String violationType, OutcomeCounts counts) {
    JsonObject toJson() {
      return new JsonObject()
          .put("violation_type", violationType)
          .put("calls", counts.calls())
          .put("ended", counts.ended())
          .put("success_rate", counts.successRate())
          .put("by_outcome", counts.toJson());
    }
  }

  /**
   * The report with at most {@link InsightsQueries#MAX_TYPES} violation types (the first ones of
   * the given order), and the number left out.
   */
  static Report of(
      InsightsRange range,
      List<Day> days,
      List<Type> types,
      Stats duration,
      Stats cost,
      Histogram durations,
      Histogram costs) {
    int shown = Math.min(types.size(), InsightsQueries.MAX_TYPES);
    return new Report(
        range,
        days,
        types.subList(0, shown),
        types.size() - shown,
        duration,
        cost,
        durations,
        costs);
  }

  /** Every call of the range by outcome (the sum of the days). */
  public OutcomeCounts totals() {
    OutcomeCounts all = new OutcomeCounts();
    days.forEach(d -> all.addAll(d.counts()));
    return all;
  }

  public JsonObject toJson() {
    OutcomeCounts all = totals();
    return new JsonObject()
        .put("from", range.from().toString())
        .put("to", range.to().toString())
        .put("tz", range.tz())
        .put("days", range.days())
        .put("outcomes", new JsonArray(Arrays.stream(Outcome.values()).map(Outcome::key).toList()))
        .put(
            "totals",
            new JsonObject()
                .put("calls", all.calls())
                .put("ended", all.ended())
                .put("success_rate", all.successRate())
                .put("by_outcome", all.toJson())
                .put("duration_seconds", duration.toJson())
                .put("cost", cost.toJson()))
        .put("per_day", new JsonArray(days.stream().map(Day::toJson).toList()))
        .put("per_violation_type", new JsonArray(types.stream().map(Type::toJson).toList()))
        .put("other_violation_types", otherTypes)
        .put("duration_histogram", durations.toJson())
        .put("cost_histogram", costs.toJson());
  }
}
