package io.callstream.insights;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The insights' SQL: read-only reporting over {@code calls} (its owner, call/CallRepository, writes
 * it; nothing here writes). Every figure is counted by PostgreSQL; Java only arranges the rows. All
 * statements run in one read-only REPEATABLE READ transaction, so the days, the violation types,
 * the totals and the histograms of a report describe the same calls. Status values are not named
 * here (they belong to the owner): rows are grouped by status and the verdict, and {@link Outcome}
 * maps them.
 *
 * <p>Parameters of every statement: $1 first day, $2 last day (dates, both included), $3 the IANA
 * time zone the days are counted in. A call belongs to the day of its {@code created_at} in $3.
 * Served by the index calls_created_at_idx.
 */
public final class InsightsQueries {
  /** Most violation types listed; the others are counted in {@code other_violation_types}. */
  public static final int MAX_TYPES = 20;

  static final String SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY";

  /**
   * The calls of the range: local day, status, verdict (call_successful, else the analysis' word,
   * as the attention list reads it), and duration and cost when they are real numbers (no negative
   * value, no NaN or infinity).
   */
  static final String RANGE =
      """
      WITH c AS (
        SELECT (created_at AT TIME ZONE $3)::date AS day, status, violation_types,
          COALESCE(call_successful, CASE analysis_data->>'call_successful'
                                      WHEN 'success' THEN true WHEN 'failure' THEN false END) AS verdict,
          CASE WHEN call_duration_seconds >= 0 THEN call_duration_seconds END AS duration,
          CASE WHEN cost >= 0 AND cost < 'Infinity' THEN cost END AS cost
        FROM calls
        WHERE created_at >= $1::date::timestamp AT TIME ZONE $3
          AND created_at < ($2::date + 1)::timestamp AT TIME ZONE $3)
      """;

  /** Calls per day, status and verdict; a day without calls is one row with a null status. */
  static final String PER_DAY =
      RANGE
          + """
          SELECT $1::date + i AS day, c.status, c.verdict, count(c.status) AS calls
          FROM generate_series(0, $2::date - $1::date) AS i
          LEFT JOIN c ON c.day = $1::date + i
          GROUP BY i, c.status, c.verdict
          ORDER BY i
          """;

  /**
   * Calls per violation type, status and verdict; a call counts once for each distinct type it was
   * about, a call without a type under a null type.
   */
  static final String PER_TYPE =
      RANGE
          + """
          SELECT t.violation_type, c.status, c.verdict, count(*) AS calls
          FROM c LEFT JOIN LATERAL (SELECT DISTINCT v FROM unnest(c.violation_types) AS v) AS t(violation_type) ON true
          GROUP BY 1, 2, 3
          """;

  /** Duration and cost figures over the calls that have them. */
  static final String TOTALS =
      RANGE
          + """
          SELECT count(duration) AS duration_calls, sum(duration) AS duration_total,
            avg(duration)::float8 AS duration_mean,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY duration) AS duration_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY duration) AS duration_p90,
            max(duration) AS duration_max,
            count(cost) AS cost_calls, sum(cost) AS cost_total, avg(cost) AS cost_mean,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY cost) AS cost_p50,
            percentile_cont(0.9) WITHIN GROUP (ORDER BY cost) AS cost_p90,
            max(cost) AS cost_max
          FROM c
          """;

  /** $4 bucket width, $5 number of buckets: calls per bucket, empty buckets included. */
  static final String DURATION_HISTOGRAM = histogram("duration");

  static final String COST_HISTOGRAM = histogram("cost");

  private static String histogram(String column) {
    return RANGE
        + "SELECT b, count(x.b) AS calls FROM generate_series(0, $5::int - 1) AS b "
        + "LEFT JOIN (SELECT LEAST(floor("
        + column
        + "::numeric / $4::numeric), $5::int - 1)::int AS b FROM c WHERE "
        + column
        + " IS NOT NULL) AS x USING (b) GROUP BY b ORDER BY b";
  }

  /** The report of a range, from one snapshot. */
  public Future<Report> report(Pool pool, InsightsRange range) {
    Tuple args = Tuple.of(range.from(), range.to(), range.tz());
    return pool.withTransaction(
        conn ->
            conn.query(SNAPSHOT)
                .execute()
                .compose(
                    v ->
                        Future.all(
                            conn.preparedQuery(PER_DAY).execute(args),
                            conn.preparedQuery(PER_TYPE).execute(args),
                            conn.preparedQuery(TOTALS).execute(args)))
                .compose(
                    all -> {
                      Row totals = all.<RowSet<Row>>resultAt(2).iterator().next();
                      Stats duration = Stats.fromRow(totals, "duration");
                      Stats cost = Stats.fromRow(totals, "cost");
                      return Future.all(
                              histogram(
                                  conn,
                                  DURATION_HISTOGRAM,
                                  args,
                                  duration,
                                  d -> Histogram.secondsWidth(d.longValue())),
                              histogram(
                                  conn,
                                  COST_HISTOGRAM,
                                  args,
                                  cost,
                                  c -> Histogram.roundWidth(c.doubleValue())))
                          .map(
                              h ->
                                  Report.of(
                                      range,
                                      perDay(all.resultAt(0)),
                                      perType(all.resultAt(1)),
                                      duration,
                                      cost,
                                      h.resultAt(0),
                                      h.resultAt(1)));
                    }));
  }

  private static Future<Histogram> histogram(
      SqlConnection conn,
      String sql,
      Tuple args,
      Stats stats,
      java.util.function.Function<Number, BigDecimal> widthOf) {
    if (stats.calls() == 0) {
      return Future.succeededFuture(Histogram.EMPTY);
    }
    BigDecimal max = new BigDecimal(stats.max().toString());
    BigDecimal width = widthOf.apply(stats.max());
    int count = Histogram.bucketCount(max, width);
    Tuple withWidth =
        Tuple.of(
            args.getValue(0), args.getValue(1), args.getValue(2), Numeric.create(width), count);
    return conn.preparedQuery(sql)
        .execute(withWidth)
        .map(
            rows -> {
              List<Histogram.Bucket> buckets = new ArrayList<>();
              for (Row r : rows) {
                BigDecimal from = width.multiply(BigDecimal.valueOf(r.getInteger("b")));
                buckets.add(new Histogram.Bucket(from, from.add(width), r.getLong("calls")));
              }
              return new Histogram(width, buckets);
            });
  }

  /** One entry per day of the range, in order, every outcome present. */
  private static List<Report.Day> perDay(RowSet<Row> rows) {
    Map<LocalDate, OutcomeCounts> days = new LinkedHashMap<>();
    for (Row r : rows) {
      OutcomeCounts counts = days.computeIfAbsent(r.getLocalDate("day"), d -> new OutcomeCounts());
      long calls = r.getLong("calls");
      if (calls > 0) {
        counts.add(Outcome.of(r.getString("status"), r.getBoolean("verdict")), calls);
      }
    }
    return days.entrySet().stream().map(e -> new Report.Day(e.getKey(), e.getValue())).toList();
  }

  /** Violation types, most calls first (then by name), calls without a type last. */
  private static List<Report.Type> perType(RowSet<Row> rows) {
    Map<String, OutcomeCounts> types = new LinkedHashMap<>();
    for (Row r : rows) {
      types
          .computeIfAbsent(r.getString("violation_type"), t -> new OutcomeCounts())
          .add(Outcome.of(r.getString("status"), r.getBoolean("verdict")), r.getLong("calls"));
    }
    return types.entrySet().stream()
        .map(e -> new Report.Type(e.getKey(), e.getValue()))
        .sorted(
            Comparator.comparing((Report.Type t) -> t.violationType() == null)
                .thenComparing(t -> -t.counts().calls())
                .thenComparing(t -> t.violationType() == null ? "" : t.violationType()))
        .toList();
  }
}
