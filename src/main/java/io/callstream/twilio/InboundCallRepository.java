package io.callstream.twilio;

import io.callstream.call.Call;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of inbound Twilio calls on {@code calls} (direction, caller and recording columns of migration V3).
 * Every status write is conditional, so a redelivered callback changes nothing and publishes nothing.
 */
final class InboundCallRepository {
  /** The driver whose number called (the first by id if several share it). */
  record Caller(String driverId, String name) {}

  private static final String FIND_DRIVER =
      "SELECT driver_id, name FROM drivers WHERE phone_number = $1 ORDER BY driver_id LIMIT 1";

  /** What a voice webhook for a known CallSid is answered from: whether the call is live, and its stored answer. */
  record Answered(boolean live, String twiml) {}

  /**
   * A repeated voice webhook for the same CallSid finds its row instead of failing; {@code inserted} tells the
   * first request (the only one that asks ElevenLabs) from a replay or duplicate.
   */
  private static final String INSERT_INBOUND = """
      WITH ins AS (
        INSERT INTO calls (call_sid, driver_id, status, call_start_time, direction, caller_number)
        VALUES ($1, $2, 'initiated', now(), 'inbound', $3)
        ON CONFLICT (call_sid) DO NOTHING RETURNING\s""" + Call.COLUMNS + """
      )
      SELECT true AS inserted,\s""" + Call.COLUMNS + " FROM ins UNION ALL SELECT false, " + Call.COLUMNS
      + " FROM calls WHERE call_sid = $1 AND NOT EXISTS (SELECT 1 FROM ins)";

  private static final String ANSWERED = "SELECT status IN ('initiated', 'in_progress') AS live, inbound_answer "
      + "FROM calls WHERE call_sid = $1";

  private static final String SAVE_ANSWER = "UPDATE calls SET inbound_answer = $2 "
      + "WHERE call_sid = $1 AND inbound_answer IS NULL";

  private static final String MARK_FAILED = "UPDATE calls SET status = 'failed', failure_reason = $2, "
      + "call_end_time = COALESCE(call_end_time, now()), updated_at = now() "
      + "WHERE call_sid = $1 AND status IN ('initiated', 'in_progress') RETURNING " + Call.COLUMNS;

  private static final String MARK_IN_PROGRESS = "UPDATE calls SET status = 'in_progress', updated_at = now() "
      + "WHERE call_sid = $1 AND status = 'initiated' RETURNING " + Call.COLUMNS;

  /** Twilio ended a call nobody else ended: its end state; what the post-call webhook set is never touched. */
  private static final String END = """
      UPDATE calls SET status = $2, failure_reason = CASE WHEN $2 = 'failed' THEN COALESCE(failure_reason, $3)
                                                          ELSE failure_reason END,
        call_end_time = COALESCE(call_end_time, now()), call_duration_seconds = COALESCE(call_duration_seconds, $4),
        updated_at = now()
      WHERE call_sid = $1 AND status IN ('initiated', 'in_progress')
      RETURNING\s""" + Call.COLUMNS;

  /** The call already ended (post-call webhook, or our fallback): Twilio only fills what is still missing. */
  private static final String FILL_MISSING = """
      UPDATE calls SET call_end_time = COALESCE(call_end_time, now()),
        call_duration_seconds = COALESCE(call_duration_seconds, $2), updated_at = now()
      WHERE call_sid = $1 AND (call_end_time IS NULL OR (call_duration_seconds IS NULL AND $2::int IS NOT NULL))
      RETURNING\s""" + Call.COLUMNS;

  /** One claimant starts the recording: the first trigger wins, a live call only. */
  private static final String CLAIM_RECORDING = "UPDATE calls SET recording_status = 'requested', updated_at = now() "
      + "WHERE call_sid = $1 AND recording_status IS NULL AND status IN ('initiated', 'in_progress') RETURNING id";

  /** Moves the recording on from one state only, so a late writer never regresses a later state. */
  private static final String SET_RECORDING = "UPDATE calls SET recording_status = $3, "
      + "recording_sid = COALESCE($4, recording_sid), updated_at = now() WHERE call_sid = $1 AND recording_status = $2";

  /** Twilio's finished recording: the first callback for it claims the download. */
  private static final String CLAIM_DOWNLOAD = """
      UPDATE calls SET recording_sid = COALESCE($2, recording_sid), recording_url = $3, recording_status = $4,
        updated_at = now()
      WHERE call_sid = $1 AND recording_status IS DISTINCT FROM 'downloading'
        AND recording_status IS DISTINCT FROM 'stored'
      RETURNING id""";

  /** A completed recording to download: any state but stored (a redelivery may take a failed download over). */
  private static final String DOWNLOADING = """
      UPDATE calls SET recording_sid = COALESCE($2, recording_sid), recording_url = $3,
        recording_status = 'downloading', updated_at = now()
      WHERE call_sid = $1 AND recording_status IS DISTINCT FROM 'stored'
      RETURNING id""";

  private static final String STORED = "UPDATE calls SET recording_status = 'stored', recording_file = $2, "
      + "updated_at = now() WHERE call_sid = $1";

  Future<Optional<Caller>> driverByNumber(SqlClient db, String phoneNumber) {
    return db.preparedQuery(FIND_DRIVER).execute(Tuple.of(phoneNumber)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new Caller(r.getString("driver_id"), r.getString("name")));
    });
  }

  /** The call, and whether this request inserted it (false: a replay or a concurrent duplicate). */
  Future<Map.Entry<Call, Boolean>> insertInbound(SqlClient db, String callSid, String driverId, String callerNumber) {
    return db.preparedQuery(INSERT_INBOUND).execute(Tuple.of(callSid, driverId, callerNumber))
        .map(rows -> {
          Row r = rows.iterator().next();
          return Map.entry(Call.fromRow(r), r.getBoolean("inserted"));
        });
  }

  Future<Optional<Answered>> answered(SqlClient db, String callSid) {
    return db.preparedQuery(ANSWERED).execute(Tuple.of(callSid)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      Row r = it.next();
      return Optional.of(new Answered(r.getBoolean("live"), r.getString("inbound_answer")));
    });
  }

  Future<Void> saveAnswer(SqlClient db, String callSid, String twiml) {
    return db.preparedQuery(SAVE_ANSWER).execute(Tuple.of(callSid, twiml)).mapEmpty();
  }

  Future<Optional<Call>> markFailed(SqlClient db, String callSid, String reason) {
    return db.preparedQuery(MARK_FAILED).execute(Tuple.of(callSid, reason)).map(InboundCallRepository::first);
  }

  Future<Optional<Call>> markInProgress(SqlClient db, String callSid) {
    return db.preparedQuery(MARK_IN_PROGRESS).execute(Tuple.of(callSid)).map(InboundCallRepository::first);
  }

  Future<Optional<Call>> end(SqlClient db, String callSid, String status, String reason, Integer duration) {
    return db.preparedQuery(END).execute(Tuple.of(callSid, status, reason, duration))
        .map(InboundCallRepository::first);
  }

  Future<Optional<Call>> fillMissing(SqlClient db, String callSid, Integer duration) {
    return db.preparedQuery(FILL_MISSING).execute(Tuple.of(callSid, duration)).map(InboundCallRepository::first);
  }

  Future<Boolean> claimRecording(SqlClient db, String callSid) {
    return db.preparedQuery(CLAIM_RECORDING).execute(Tuple.of(callSid)).map(rows -> rows.size() > 0);
  }

  Future<Void> setRecording(SqlClient db, String callSid, String from, String to, String recordingSid) {
    return db.preparedQuery(SET_RECORDING).execute(Tuple.of(callSid, from, to, recordingSid)).mapEmpty();
  }

  Future<Boolean> claimDownload(SqlClient db, String callSid, String recordingSid, String url, String status) {
    return db.preparedQuery(CLAIM_DOWNLOAD).execute(Tuple.of(callSid, recordingSid, url, status))
        .map(rows -> rows.size() > 0);
  }

  Future<Boolean> downloading(SqlClient db, String callSid, String recordingSid, String url) {
    return db.preparedQuery(DOWNLOADING).execute(Tuple.of(callSid, recordingSid, url)).map(rows -> rows.size() > 0);
  }

  Future<Void> stored(SqlClient db, String callSid, String fileName) {
    return db.preparedQuery(STORED).execute(Tuple.of(callSid, fileName)).mapEmpty();
  }

  private static Optional<Call> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Call.fromRow(it.next())) : Optional.empty();
  }
}
