package io.callstream.call;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes of {@code calls}: all of this table's SQL is here, except the live-turn statement of
 * {@link TranscriptRepository}, which inserts a turn and takes its sequence number from the call's counter in one
 * round trip. Takes a pool or a transaction's connection. Every post-call update returns the row only when it
 * changed something, so a repeated application publishes nothing.
 */
public final class CallRepository {
  private static final String FIND_BY_IDENTIFIER =
      "SELECT " + Call.COLUMNS + " FROM calls WHERE call_sid = $1 OR conversation_id = $1 LIMIT 1";
  private static final String FIND_BY_ID = "SELECT " + Call.COLUMNS + " FROM calls WHERE id = $1";
  private static final String INSERT_INITIATED = "INSERT INTO calls (call_sid, driver_id, status, call_start_time, "
      + "violation_types, started_by) VALUES ($1, $2, 'initiated', now(), $3, $4) RETURNING " + Call.COLUMNS;
  private static final String ACTIVE = "SELECT " + Call.COLUMNS + " FROM calls "
      + "WHERE status IN ('initiated', 'in_progress') ORDER BY created_at DESC, id DESC LIMIT $1";

  private static final String MARK_DIALLED = "UPDATE calls SET conversation_id = COALESCE(conversation_id, $2), "
      + "status = 'in_progress', updated_at = now() WHERE id = $1 AND status = 'initiated' RETURNING " + Call.COLUMNS;
  private static final String SET_CONVERSATION = "UPDATE calls SET conversation_id = COALESCE(conversation_id, $2), "
      + "updated_at = now() WHERE id = $1 RETURNING " + Call.COLUMNS;
  private static final String MARK_FAILED = "UPDATE calls SET status = 'failed', failure_reason = $2, "
      + "call_end_time = now(), updated_at = now() WHERE id = $1 AND status = 'initiated' RETURNING " + Call.COLUMNS;
  private static final String LIST = "SELECT " + Call.COLUMNS + " FROM calls "
      + "WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3)) "
      + "AND ($5::text IS NULL OR driver_id = $5) AND ($6::timestamptz IS NULL OR created_at >= $6) "
      + "AND ($7::timestamptz IS NULL OR created_at < $7) AND ($8::boolean IS NULL OR call_successful = $8) "
      + "ORDER BY created_at DESC, id DESC LIMIT $4";

  /** Filters of the calls list; every field may be null (no filter). {@code to} is exclusive. */
  public record Filter(String status, String driverId, OffsetDateTime from, OffsetDateTime to, Boolean successful) {
    public static final Filter NONE = new Filter(null, null, null, null, null);
  }

  private static final String FIND_BY_IDENTIFIERS = "SELECT " + Call.COLUMNS + " FROM calls "
      + "WHERE conversation_id = $1 OR call_sid = $2 ORDER BY (conversation_id = $1) DESC NULLS LAST, id LIMIT 1";
  private static final String FIND_FOR_UPDATE = FIND_BY_IDENTIFIERS + " FOR UPDATE";

  private static final String COMPLETE = """
      UPDATE calls SET status = 'completed', conversation_id = COALESCE(conversation_id, $2),
        call_end_time = to_timestamp($3::bigint), transcript_summary = $4, call_duration_seconds = $5, cost = $6,
        call_successful = $7, analysis_data = $8, metadata_json = $9,
        last_sequence_number = GREATEST(last_sequence_number,
          (SELECT COALESCE(max(sequence_number), 0) FROM transcriptions WHERE call_id = $1)),
        updated_at = now()
      WHERE id = $1 AND (status, conversation_id, call_end_time, transcript_summary, call_duration_seconds, cost,
                         call_successful, analysis_data, metadata_json, last_sequence_number)
        IS DISTINCT FROM ('completed', COALESCE(conversation_id, $2), to_timestamp($3::bigint), $4, $5, $6, $7,
                          $8, $9, GREATEST(last_sequence_number,
          (SELECT COALESCE(max(sequence_number), 0) FROM transcriptions WHERE call_id = $1)))
      RETURNING\s""" + Call.COLUMNS;

  private static final String FAIL_FROM_POST_CALL = """
      UPDATE calls SET status = 'failed', failure_reason = $2, conversation_id = COALESCE(conversation_id, $3),
        call_end_time = to_timestamp($4::bigint), updated_at = now()
      WHERE id = $1 AND (status, failure_reason, conversation_id, call_end_time)
        IS DISTINCT FROM ('failed', $2, COALESCE(conversation_id, $3), to_timestamp($4::bigint))
      RETURNING\s""" + Call.COLUMNS;

  /** The columns a post_call_transcription sets. */
  public record Completion(String conversationId, long endTime, String summary, Integer durationSeconds, Double cost,
                           Boolean successful, JsonObject analysis, JsonObject metadata) {}

  /** A status change that may not have happened (someone else moved the call on first). */
  public record Update(Call call, boolean changed) {}


  /** The call by conversation id, else by call_sid (as post-call data names it), without locking. */
  public Future<Optional<Call>> findByIdentifiers(SqlClient db, String conversationId, String callSid) {
    return db.preparedQuery(FIND_BY_IDENTIFIERS).execute(Tuple.of(conversationId, callSid))
        .map(CallRepository::first);
  }

  /** A call by call identifier: its call_sid or its conversation_id. */
  public Future<Optional<Call>> findByIdentifier(SqlClient db, String identifier) {
    return db.preparedQuery(FIND_BY_IDENTIFIER).execute(Tuple.of(identifier)).map(CallRepository::first);
  }

  public Future<Optional<Call>> findById(SqlClient db, long id) {
    return db.preparedQuery(FIND_BY_ID).execute(Tuple.of(id)).map(CallRepository::first);
  }

  /** Writes a new call in status initiated; fails with SQLSTATE 23505 when the call_sid exists. */
  public Future<Call> insertInitiated(SqlClient db, String callSid, String driverId, List<String> violationTypes,
                                     String startedBy) {
    return db.preparedQuery(INSERT_INITIATED)
        .execute(Tuple.of(callSid, driverId, violationTypes.toArray(new String[0]), startedBy))
        .map(rows -> Call.fromRow(rows.iterator().next()));
  }

  /**
   * ElevenLabs accepted the dial: stores its conversation id (unless one is already set) and moves an initiated call
   * to in_progress. A call that a webhook already moved on keeps its status ({@code changed} false).
   */
  public Future<Update> markDialled(SqlClient db, long id, String conversationId) {
    return db.preparedQuery(MARK_DIALLED).execute(Tuple.of(id, conversationId)).map(CallRepository::first)
        .compose(moved -> moved.isPresent() ? Future.succeededFuture(new Update(moved.get(), true))
            : db.preparedQuery(SET_CONVERSATION).execute(Tuple.of(id, conversationId))
                .map(rows -> new Update(first(rows).orElseThrow(), false)));
  }

  /** The dial failed: an initiated call becomes failed with the reason and an end time (empty if not initiated). */
  public Future<Optional<Call>> markFailed(SqlClient db, long id, String reason) {
    return db.preparedQuery(MARK_FAILED).execute(Tuple.of(id, reason)).map(CallRepository::first);
  }

  /**
   * Newest first, filtered; only calls created before {@code (beforeTime, beforeId)} when beforeTime is
   * set (pass the id of the call to continue after, or 0 to take only strictly older calls).
   */
  public Future<List<Call>> list(SqlClient db, Filter f, OffsetDateTime beforeTime, long beforeId, int limit) {
    Tuple params = Tuple.of(f.status(), beforeTime, beforeId, limit, f.driverId(), f.from())
        .addValue(f.to()).addValue(f.successful());
    return db.preparedQuery(LIST).execute(params).map(CallRepository::all);
  }

  private static final String ENDED_AMONG = "SELECT " + Call.COLUMNS + " FROM calls "
      + "WHERE id = ANY($1) AND status IN ('completed', 'failed')";

  /** Which of these calls have ended. */
  public Future<List<Call>> endedAmong(SqlClient db, Long[] ids) {
    return db.preparedQuery(ENDED_AMONG).execute(Tuple.of(ids)).map(CallRepository::all);
  }

  /** Calls not ended yet (initiated or in progress), newest first: the fleet feed's snapshot. */
  public Future<List<Call>> active(SqlClient db, int limit) {
    return db.preparedQuery(ACTIVE).execute(Tuple.of(limit)).map(CallRepository::all);
  }

  private static List<Call> all(RowSet<Row> rows) {
    List<Call> calls = new ArrayList<>(rows.size());
    rows.forEach(r -> calls.add(Call.fromRow(r)));
    return calls;
  }

  /** The call by conversation id, else by call_sid, locked until the transaction ends. */
  public Future<Optional<Call>> findForUpdate(SqlClient db, String conversationId, String callSid) {
    return db.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(conversationId, callSid))
        .map(CallRepository::first);
  }

  /** Completes the call; empty when it already held exactly these values. */
  public Future<Optional<Call>> complete(SqlClient db, long callId, Completion c) {
    Tuple params = Tuple.of(callId, c.conversationId(), c.endTime(), c.summary(), c.durationSeconds(), c.cost())
        .addValue(c.successful()).addValue(c.analysis()).addValue(c.metadata());
    return db.preparedQuery(COMPLETE).execute(params).map(CallRepository::first);
  }

  /** A call_initiation_failure: marks the call failed; empty when it already was, with this reason and end time. */
  public Future<Optional<Call>> failFromPostCall(SqlClient db, long callId, String reason, String conversationId, long endTime) {
    return db.preparedQuery(FAIL_FROM_POST_CALL).execute(Tuple.of(callId, reason, conversationId, endTime))
        .map(CallRepository::first);
  }

  static Optional<Call> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Call.fromRow(it.next())) : Optional.empty();
  }
}
