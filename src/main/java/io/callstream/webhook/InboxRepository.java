package io.callstream.webhook;

import io.callstream.call.ParkedEvents;
import io.callstream.call.PostCallEvent;
import io.callstream.db.Jdbc;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The owner of {@code webhook_events}, the inbox: every verified webhook body, deduplicated by the
 * SHA-256 of its bytes; every statement on this table and its status values are here (the
 * reconciler reaches the parked rows through {@link ParkedEvents}, implemented by {@link
 * PostCallInbox}). One statement also reads {@code calls} (never writes it): {@link
 * #parkedWithCall} probes the calls' unique keys for the parked rows' identifiers.
 */
public final class InboxRepository {
  public static final String PENDING = "pending";
  public static final String PROCESSED = "processed";
  public static final String IGNORED = "ignored";
  public static final String FAILED = "failed";

  /**
   * A parked row whose call never appeared within INBOX_PARKED_RETENTION_HOURS (set by the
   * reconciler).
   */
  public static final String EXPIRED = "expired";

  /**
   * A processed row without published_at this long after it was applied: its node died between the
   * commit and the publish (publishing takes microseconds after the commit; the grace keeps
   * concurrent redeliveries, which wait for the first one's commit, from announcing twice).
   */
  static final int UNANNOUNCED_GRACE_SECONDS = 5;

  private static final String INSERT =
      "INSERT INTO webhook_events (type, conversation_id, call_sid, event_timestamp, "
          + "body, body_sha256, status, processed_at) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'pending' THEN NULL ELSE now() END) "
          + "ON CONFLICT (body_sha256) DO NOTHING RETURNING id, status";

  /**
   * A body that could not be applied, kept on its own (the transaction with its effects rolled
   * back): the JSON when PostgreSQL takes it (else {}), the raw bytes, the error. A redelivery that
   * fails again counts another attempt; a row applied meanwhile is left alone.
   */
  private static final String KEEP_FAILED =
      "INSERT INTO webhook_events (type, conversation_id, call_sid, "
          + "event_timestamp, body, body_sha256, status, error, raw_body, attempts) "
          + "VALUES ($1, $2, $3, $4, $5, $6, 'failed', $7, $8, 1) ON CONFLICT (body_sha256) DO UPDATE "
          + "SET status = 'failed', error = EXCLUDED.error, attempts = webhook_events.attempts + 1 "
          + "WHERE webhook_events.status IN ('pending', 'failed')";

  private static final String LOCK_BY_SHA =
      "SELECT id, status, (status = 'processed' AND published_at IS NULL "
          + "AND processed_at < now() - interval '"
          + UNANNOUNCED_GRACE_SECONDS
          + " seconds') AS unannounced "
          + "FROM webhook_events WHERE body_sha256 = $1 FOR UPDATE";
  private static final String MARK_PUBLISHED =
      "UPDATE webhook_events SET published_at = now() WHERE id = $1";
  private static final String MARK_PROCESSED =
      "UPDATE webhook_events SET status = 'processed', processed_at = now() WHERE id = $1";
  private static final String PENDING_IDS =
      "SELECT id FROM webhook_events WHERE status = 'pending' "
          + "AND (conversation_id = $1 OR call_sid = $2) ORDER BY received_at, id";
  private static final String LOCK_PENDING =
      "SELECT id, type, event_timestamp, body FROM webhook_events "
          + "WHERE id = $1 AND status = 'pending' FOR UPDATE";

  private static final String FAILED_ROWS =
      "SELECT id, coalesce(raw_body, convert_to(body::text, 'UTF8')) AS raw, "
          + "body_sha256 FROM webhook_events WHERE status = 'failed' AND ($1::bigint IS NULL OR id = $1) "
          + "ORDER BY received_at, id";

  /**
   * A failed row: its id, the bytes as received (the JSON when no raw bytes were kept), their
   * SHA-256.
   */
  public record Failed(long id, Buffer raw, String sha256) {}

  /** Two EXISTS rather than one with OR: each is one probe of a unique index of calls. */
  private static final String PARKED_WITH_CALL =
      "SELECT w.conversation_id, w.call_sid, min(w.id) AS first_id "
          + "FROM webhook_events w WHERE w.status = 'pending' "
          + "AND (EXISTS (SELECT 1 FROM calls c WHERE c.conversation_id = w.conversation_id) "
          + "  OR EXISTS (SELECT 1 FROM calls c WHERE c.call_sid = w.call_sid)) "
          + "GROUP BY w.conversation_id, w.call_sid ORDER BY first_id LIMIT $1";

  /**
   * Parked rows older than the retention become {@code expired} (body kept for forensics, reason in
   * error), oldest first, at most $2 per run; SKIP LOCKED leaves a row that a call start is just
   * applying to it.
   */
  private static final String EXPIRE_PARKED =
      "UPDATE webhook_events SET status = 'expired', "
          + "error = 'expired: parked (call unknown) for longer than ' || $1::int || ' h' "
          + "WHERE id IN (SELECT id FROM webhook_events WHERE status = 'pending' "
          + "  AND received_at < now() - $1::int * interval '1 hour' ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
          + "AND status = 'pending'";

  /**
   * Both counts read the partial indexes on pending and failed rows: cheap however big the inbox
   * grows.
   */
  private static final String BACKLOG =
      "SELECT count(*) AS pending, "
          + "COALESCE(EXTRACT(EPOCH FROM now() - min(received_at)), 0)::float8 AS oldest, "
          + "(SELECT count(*) FROM webhook_events WHERE status = 'failed') AS failed "
          + "FROM webhook_events WHERE status = 'pending'";

  /**
   * Data retention (operator {@code purge}, DATA_RETENTION_DAYS): at most $2 applied rows
   * (processed or ignored) received more than $1 days ago, oldest first. Pending, failed and
   * expired rows are kept: work not done, or kept for forensics. Each parameter once, in order: the
   * same text runs over JDBC ({@code db.Jdbc}).
   */
  static final String PURGE_APPLIED =
      "DELETE FROM webhook_events WHERE id IN (SELECT id FROM webhook_events "
          + "WHERE received_at < now() - make_interval(days => $1) AND status IN ('processed', 'ignored') "
          + "ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)";

  /** The operator's {@code inbox list} (JDBC). */
  private static final String LIST =
      "SELECT id, type, status, attempts, received_at, coalesce(conversation_id, "
          + "call_sid, '-') AS identifier, coalesce(error, '') AS error FROM webhook_events "
          + "WHERE (? = false OR status = 'failed') ORDER BY received_at DESC, id DESC LIMIT ?";

  /**
   * A row as {@code inbox list} shows it; {@code identifier} is the conversation id, else the call
   * sid, else -.
   */
  public record Listed(
      long id,
      String type,
      String status,
      int attempts,
      OffsetDateTime receivedAt,
      String identifier,
      String error) {}

  /** An inbox row's identity and state; {@code fresh} when this delivery stored it. */
  public record Entry(long id, String status, boolean fresh, boolean unannounced) {}

  /** A pending row with what is needed to apply it. */
  public record Pending(long id, String type, Long eventTimestamp, JsonObject body) {}

  /**
   * Stores a body, or (when the same bytes were stored before) locks and returns the stored row,
   * which then has {@code fresh == false}. A concurrent identical delivery waits here until the
   * first one commits.
   */
  public Future<Entry> store(
      SqlClient db, PostCallEvent envelope, JsonObject body, String sha256, String status) {
    Tuple params =
        Tuple.of(
                envelope.type(),
                envelope.conversationId(),
                envelope.callSid(),
                envelope.eventTimestamp(),
                body,
                sha256)
            .addString(status);
    return db.preparedQuery(INSERT)
        .execute(params)
        .compose(
            rows -> {
              var it = rows.iterator();
              if (it.hasNext()) {
                Row r = it.next();
                return Future.succeededFuture(
                    new Entry(r.getLong("id"), r.getString("status"), true, false));
              }
              return db.preparedQuery(LOCK_BY_SHA)
                  .execute(Tuple.of(sha256))
                  .map(InboxRepository::existing);
            });
  }

  private static Entry existing(RowSet<Row> rows) {
    Row r = rows.iterator().next();
    return new Entry(r.getLong("id"), r.getString("status"), false, r.getBoolean("unannounced"));
  }

  /**
   * Keeps a body that failed (see {@link #KEEP_FAILED}); {@code body} null stores {} (it could not
   * be stored).
   */
  public Future<Void> keepFailed(
      SqlClient db, PostCallEvent event, JsonObject body, Buffer raw, String sha256, String error) {
    Tuple params =
        Tuple.of(
                event.type(),
                event.conversationId(),
                event.callSid(),
                event.eventTimestamp(),
                body == null ? new JsonObject() : body,
                sha256)
            .addString(error)
            .addBuffer(raw);
    return db.preparedQuery(KEEP_FAILED).execute(params).mapEmpty();
  }

  /** Failed rows, oldest first: the one with this id, or all when {@code id} is null. */
  public Future<List<Failed>> failed(SqlClient db, Long id) {
    return db.preparedQuery(FAILED_ROWS)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              List<Failed> failed = new ArrayList<>();
              rows.forEach(
                  r ->
                      failed.add(
                          new Failed(
                              r.getLong("id"), r.getBuffer("raw"), r.getString("body_sha256"))));
              return failed;
            });
  }

  /** The row's events went out on the bus. */
  public Future<Void> markPublished(SqlClient db, long id) {
    return db.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Void> markProcessed(SqlClient db, long id) {
    return db.preparedQuery(MARK_PROCESSED).execute(Tuple.of(id)).mapEmpty();
  }

  /** Ids of the pending events for this conversation id or call_sid, in received order. */
  public Future<List<Long>> pendingIds(SqlClient db, String conversationId, String callSid) {
    return db.preparedQuery(PENDING_IDS)
        .execute(Tuple.of(conversationId, callSid))
        .map(
            rows -> {
              List<Long> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getLong("id")));
              return ids;
            });
  }

  /** Locks one event if it is still pending (another node may have applied it meanwhile). */
  public Future<Optional<Pending>> lockPending(SqlClient db, long id) {
    return db.preparedQuery(LOCK_PENDING)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              var it = rows.iterator();
              if (!it.hasNext()) {
                return Optional.empty();
              }
              Row r = it.next();
              Object body = r.getValue("body");
              return Optional.of(
                  new Pending(
                      r.getLong("id"),
                      r.getString("type"),
                      r.getLong("event_timestamp"),
                      body instanceof JsonObject o ? o : new JsonObject()));
            });
  }

  /**
   * Keys of pending rows whose call exists now, oldest first (a row parked while its call start was
   * committing).
   */
  public Future<List<ParkedEvents.Key>> parkedWithCall(SqlClient db, int limit) {
    return db.preparedQuery(PARKED_WITH_CALL)
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<ParkedEvents.Key> keys = new ArrayList<>();
              rows.forEach(
                  r ->
                      keys.add(
                          new ParkedEvents.Key(
                              r.getString("conversation_id"), r.getString("call_sid"))));
              return keys;
            });
  }

  /**
   * Expires pending rows older than {@code retentionHours} (see {@link #EXPIRE_PARKED}); how many.
   */
  public Future<Integer> expireParked(SqlClient db, int retentionHours, int limit) {
    return db.preparedQuery(EXPIRE_PARKED)
        .execute(Tuple.of(retentionHours, limit))
        .map(RowSet::rowCount);
  }

  /**
   * {@link #PURGE_APPLIED} on a transaction's connection (the reconciler's DATA_RETENTION_DAYS
   * pass).
   */
  public static Future<Integer> purgeApplied(SqlClient db, int days, int limit) {
    return db.preparedQuery(PURGE_APPLIED).execute(Tuple.of(days, limit)).map(RowSet::rowCount);
  }

  /**
   * The same statement over JDBC (the operator's {@code purge}), inside the caller's transaction.
   */
  public static int purgeApplied(Connection c, int days, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(Jdbc.sql(PURGE_APPLIED))) {
      s.setInt(1, days);
      s.setInt(2, limit);
      return s.executeUpdate();
    }
  }

  /**
   * The newest rows (only the failed ones when {@code failed}), at most {@code limit}, over JDBC.
   */
  public static List<Listed> list(Connection c, boolean failed, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LIST)) {
      s.setBoolean(1, failed);
      s.setInt(2, limit);
      List<Listed> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Listed(
                  rs.getLong("id"),
                  rs.getString("type"),
                  rs.getString("status"),
                  rs.getInt("attempts"),
                  rs.getObject("received_at", OffsetDateTime.class),
                  rs.getString("identifier"),
                  rs.getString("error")));
        }
      }
      return rows;
    }
  }

  public Future<ParkedEvents.Backlog> backlog(SqlClient db) {
    return db.query(BACKLOG)
        .execute()
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new ParkedEvents.Backlog(
                  r.getLong("pending"), r.getDouble("oldest"), r.getLong("failed"));
            });
  }
}
