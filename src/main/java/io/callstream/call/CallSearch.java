package io.callstream.call;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * GET /calls and its CSV export (docs/search.md): the calls matching the filters, newest first,
 * with the driver's name and, when searching words, where they were said. Reads only ({@code
 * calls}, {@code transcriptions}, {@code drivers}); the statement is built from the filters that
 * are set, so each combination gets a plan of its own and a word search always uses the full-text
 * indexes of migration V10 (whose expressions {@link #TRANSCRIPT_VECTOR} and {@link
 * #SUMMARY_VECTOR} repeat exactly). The attention rule is the owner's ({@link
 * CallSql#NEEDS_ATTENTION}).
 */
public final class CallSearch {
  /** The text-search configuration of the indexes and of every query (stems English words). */
  static final String CONFIG = "'english'";

  static final String TRANSCRIPT_VECTOR = "to_tsvector(" + CONFIG + ", t.message_text)";
  static final String SUMMARY_VECTOR =
      "to_tsvector(" + CONFIG + ", coalesce(s.transcript_summary, ''))";

  /**
   * Filters of the calls list; every field may be null (no filter). {@code to} is exclusive; {@code
   * q} is a web-search style query (words, "a phrase", OR, -word).
   */
  public record Filter(
      String status,
      String driverId,
      OffsetDateTime from,
      OffsetDateTime to,
      Boolean successful,
      Boolean needsAttention,
      String direction,
      String violationType,
      String q) {
    public static final Filter NONE =
        new Filter(null, null, null, null, null, null, null, null, null);
  }

  /** Continue after this call: calls created before {@code (time, id)} (id 0: strictly before). */
  public record Cursor(OffsetDateTime time, long id) {}

  /** One result: the call, its driver's name (null when unknown), where the words matched. */
  public record Found(Call call, String driverName, SearchMatch match) {}

  /** A statement and its parameters. */
  record Statement(String sql, Tuple params) {}

  public Future<List<Found>> search(SqlClient db, Filter f, Cursor before, int limit) {
    Statement s = statement(f, before, limit);
    return db.preparedQuery(s.sql()).execute(s.params()).map(rows -> found(rows, f.q() != null));
  }

  private static List<Found> found(Iterable<Row> rows, boolean searched) {
    List<Found> found = new ArrayList<>();
    for (Row r : rows) {
      found.add(
          new Found(
              Call.fromRow(r),
              r.getString("driver_name"),
              searched ? SearchMatch.fromRow(r) : null));
    }
    return found;
  }

  /**
   * The page as one statement: the calls of the page first (from {@code calls} alone, so every
   * condition uses the calls' own indexes), then their drivers' names and the first matching turn
   * (or the summary) highlighted, for those rows only.
   */
  static Statement statement(Filter f, Cursor before, int limit) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = new StringBuilder("TRUE");
    if (f.status() != null) {
      where.append(" AND status = ").append(param(params, f.status()));
    }
    if (f.driverId() != null) {
      where.append(" AND driver_id = ").append(param(params, f.driverId()));
    }
    if (f.from() != null) {
      where.append(" AND created_at >= ").append(param(params, f.from()));
    }
    if (f.to() != null) {
      where.append(" AND created_at < ").append(param(params, f.to()));
    }
    if (f.successful() != null) {
      where.append(" AND call_successful = ").append(param(params, f.successful()));
    }
    if (Boolean.TRUE.equals(f.needsAttention())) {
      // plain AND clauses, so the planner may use the partial index calls_attention_idx
      where.append(" AND ").append(CallSql.NEEDS_ATTENTION);
    } else if (Boolean.FALSE.equals(f.needsAttention())) {
      where.append(" AND NOT COALESCE(").append(CallSql.NEEDS_ATTENTION).append(", false)");
    }
    if (f.direction() != null) {
      where.append(" AND direction = ").append(param(params, f.direction()));
    }
    if (f.violationType() != null) {
      where
          .append(" AND EXISTS (SELECT 1 FROM unnest(violation_types) v WHERE lower(v) = lower(")
          .append(param(params, f.violationType()))
          .append("))");
    }
    String query = null;
    if (f.q() != null) {
      query = "websearch_to_tsquery(" + CONFIG + ", " + param(params, f.q()) + ")";
      where
          .append(" AND id IN (SELECT t.call_id FROM transcriptions t WHERE ")
          .append(TRANSCRIPT_VECTOR)
          .append(" @@ ")
          .append(query)
          .append(" UNION SELECT s.id FROM calls s WHERE ")
          .append(SUMMARY_VECTOR)
          .append(" @@ ")
          .append(query)
          .append(")");
    }
    if (before != null) {
      where
          .append(" AND (created_at, id) < (")
          .append(param(params, before.time()))
          .append(", ")
          .append(param(params, before.id()))
          .append(")");
    }
    String page =
        "SELECT "
            + Call.COLUMNS
            + " FROM calls WHERE "
            + where
            + " ORDER BY created_at DESC, id DESC LIMIT "
            + param(params, limit);
    String sql =
        "SELECT p.*, d.name AS driver_name"
            + (query == null ? "" : SearchMatch.columns(query))
            + " FROM ("
            + page
            + ") p LEFT JOIN drivers d ON d.driver_id = p.driver_id"
            + (query == null ? "" : SearchMatch.join(query, TRANSCRIPT_VECTOR))
            + " ORDER BY p.created_at DESC, p.id DESC";
    return new Statement(sql, Tuple.from(params));
  }

  private static String param(List<Object> params, Object value) {
    params.add(value);
    return "$" + params.size();
  }
}
