package io.callstream.call;

/**
 * The SQL of {@link CallRepository}, the owner of {@code calls}: every statement writing this table
 * is here (the one exception, the live-turn statements of {@link TranscriptRepository} in {@link
 * LiveTurnSql}, is documented there and in the package), and every status literal of a call in SQL
 * ({@link Call#INITIATED}, {@link Call#IN_PROGRESS}, {@link Call#COMPLETED}, {@link Call#FAILED};
 * the recording states of inbound calls). Kept apart from the repository's methods only for length;
 * nothing but {@link CallRepository} reads it, and {@link CallSearch} the attention rule.
 */
final class CallSql {
  private CallSql() {}

  static final String FIND_BY_IDENTIFIER =
      "SELECT " + Call.COLUMNS + " FROM calls WHERE call_sid = $1 OR conversation_id = $1 LIMIT 1";
  static final String FIND_BY_ID = "SELECT " + Call.COLUMNS + " FROM calls WHERE id = $1";
  static final String INSERT_INITIATED =
      "INSERT INTO calls (call_sid, driver_id, status, call_start_time, "
          + "violation_types, started_by) VALUES ($1, $2, 'initiated', now(), $3, $4) RETURNING "
          + Call.COLUMNS;
  static final String ACTIVE =
      "SELECT "
          + Call.COLUMNS
          + " FROM calls "
          + "WHERE status IN ('initiated', 'in_progress') ORDER BY created_at DESC, id DESC LIMIT $1";
  static final String MARK_DIALLED =
      "UPDATE calls SET conversation_id = COALESCE(conversation_id, $2), "
          + "status = 'in_progress', updated_at = now() WHERE id = $1 AND status = 'initiated' RETURNING "
          + Call.COLUMNS;
  static final String SET_CONVERSATION =
      "UPDATE calls SET conversation_id = COALESCE(conversation_id, $2), "
          + "updated_at = now() WHERE id = $1 RETURNING "
          + Call.COLUMNS;
  static final String MARK_FAILED =
      "UPDATE calls SET status = 'failed', failure_reason = $2, "
          + "call_end_time = now(), updated_at = now() WHERE id = $1 AND status = 'initiated' RETURNING "
          + Call.COLUMNS;

  /**
   * The attention list (docs/console.md): an ended call, not handled yet, that failed (unanswered,
   * busy, dial errors), completed unsuccessfully (call_successful false or the analysis says
   * failure), or was an inbound call from an unknown number (no driver). Matches the partial index
   * calls_attention_idx (migration V9). Used by {@link CallSearch} (GET /calls?needs_attention=).
   */
  static final String NEEDS_ATTENTION =
      "handled_at IS NULL AND status IN ('completed', 'failed') AND (status = 'failed' "
          + "OR call_successful IS FALSE OR analysis_data->>'call_successful' = 'failure' "
          + "OR (direction = 'inbound' AND driver_id IS NULL))";

  /**
   * Marks a call handled; the first handler stays (a second mark changes nothing and returns no
   * row).
   */
  static final String MARK_HANDLED =
      "UPDATE calls SET handled_by = $2, handled_at = now() "
          + "WHERE id = $1 AND handled_at IS NULL RETURNING "
          + Call.COLUMNS;

  static final String FIND_BY_IDENTIFIERS =
      "SELECT "
          + Call.COLUMNS
          + " FROM calls "
          + "WHERE conversation_id = $1 OR call_sid = $2 ORDER BY (conversation_id = $1) DESC NULLS LAST, id LIMIT 1";
  static final String FIND_FOR_UPDATE = FIND_BY_IDENTIFIERS + " FOR UPDATE";
  static final String COMPLETE =
      """
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
      RETURNING\s"""
          + Call.COLUMNS;
  static final String FAIL_FROM_POST_CALL =
      """
      UPDATE calls SET status = 'failed', failure_reason = $2, conversation_id = COALESCE(conversation_id, $3),
        call_end_time = to_timestamp($4::bigint), updated_at = now()
      WHERE id = $1 AND (status, failure_reason, conversation_id, call_end_time)
        IS DISTINCT FROM ('failed', $2, COALESCE(conversation_id, $3), to_timestamp($4::bigint))
      RETURNING\s"""
          + Call.COLUMNS;
  static final String ENDED_AMONG =
      "SELECT "
          + Call.COLUMNS
          + " FROM calls "
          + "WHERE id = ANY($1) AND status IN ('completed', 'failed')";
  static final String STUCK =
      "SELECT "
          + Call.COLUMNS
          + " FROM calls WHERE status = 'in_progress' "
          + "AND conversation_id IS NOT NULL AND updated_at < now() - $1::int * interval '1 second' AND id > $2 "
          + "ORDER BY id LIMIT $3";
  static final String COUNT_STUCK =
      "SELECT count(*) FROM calls "
          + "WHERE status = 'in_progress' AND updated_at < now() - $1::int * interval '1 second'";

  /**
   * SKIP LOCKED: a call start that is just storing its conversation id keeps its row; the outer
   * WHERE re-checks.
   */
  static final String FAIL_STALE =
      "UPDATE calls SET status = 'failed', failure_reason = $2, "
          + "call_end_time = now(), updated_at = now() "
          + "WHERE id IN (SELECT id FROM calls WHERE status = 'initiated' AND conversation_id IS NULL "
          + "  AND created_at < now() - $1::int * interval '1 second' ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) "
          + "AND status = 'initiated' AND conversation_id IS NULL RETURNING "
          + Call.COLUMNS;

  static final String INSERT_INBOUND =
      """
      WITH ins AS (
        INSERT INTO calls (call_sid, driver_id, status, call_start_time, direction, caller_number)
        VALUES ($1, $2, 'initiated', now(), 'inbound', $3)
        ON CONFLICT (call_sid) DO NOTHING RETURNING\s"""
          + Call.COLUMNS
          + """
      )
      SELECT true AS inserted,\s"""
          + Call.COLUMNS
          + " FROM ins UNION ALL SELECT false, "
          + Call.COLUMNS
          + " FROM calls WHERE call_sid = $1 AND NOT EXISTS (SELECT 1 FROM ins)";
  static final String INBOUND_ANSWER =
      "SELECT status IN ('initiated', 'in_progress') AS live, "
          + "inbound_answer FROM calls WHERE call_sid = $1";
  static final String SAVE_ANSWER =
      "UPDATE calls SET inbound_answer = $2 " + "WHERE call_sid = $1 AND inbound_answer IS NULL";
  static final String MARK_INBOUND_FAILED =
      "UPDATE calls SET status = 'failed', failure_reason = $2, "
          + "call_end_time = COALESCE(call_end_time, now()), updated_at = now() "
          + "WHERE call_sid = $1 AND status IN ('initiated', 'in_progress') RETURNING "
          + Call.COLUMNS;
  static final String MARK_ANSWERED =
      "UPDATE calls SET status = 'in_progress', updated_at = now() "
          + "WHERE call_sid = $1 AND status = 'initiated' RETURNING "
          + Call.COLUMNS;

  /**
   * Twilio ended a call nobody else ended: its end state; what the post-call webhook set is never
   * touched.
   */
  static final String END_INBOUND =
      """
      UPDATE calls SET status = $2, failure_reason = CASE WHEN $2 = 'failed' THEN COALESCE(failure_reason, $3)
                                                          ELSE failure_reason END,
        call_end_time = COALESCE(call_end_time, now()), call_duration_seconds = COALESCE(call_duration_seconds, $4),
        updated_at = now()
      WHERE call_sid = $1 AND status IN ('initiated', 'in_progress')
      RETURNING\s"""
          + Call.COLUMNS;

  /**
   * The call already ended (post-call webhook, or our fallback): Twilio only fills what is still
   * missing.
   */
  static final String FILL_END =
      """
      UPDATE calls SET call_end_time = COALESCE(call_end_time, now()),
        call_duration_seconds = COALESCE(call_duration_seconds, $2), updated_at = now()
      WHERE call_sid = $1 AND (call_end_time IS NULL OR (call_duration_seconds IS NULL AND $2::int IS NOT NULL))
      RETURNING\s"""
          + Call.COLUMNS;

  /** One claimant starts the recording: the first trigger wins, a live call only. */
  static final String CLAIM_RECORDING =
      "UPDATE calls SET recording_status = 'requested', updated_at = now() "
          + "WHERE call_sid = $1 AND recording_status IS NULL AND status IN ('initiated', 'in_progress') RETURNING id";

  /** Moves the recording on from one state only, so a late writer never regresses a later state. */
  static final String MOVE_RECORDING =
      "UPDATE calls SET recording_status = $3, "
          + "recording_sid = COALESCE($4, recording_sid), updated_at = now() WHERE call_sid = $1 AND recording_status = $2";

  static final String RECORDING_ENDED =
      """
      UPDATE calls SET recording_sid = COALESCE($2, recording_sid), recording_url = NULL, recording_status = $3,
        updated_at = now()
      WHERE call_sid = $1 AND recording_status IS DISTINCT FROM 'downloading'
        AND recording_status IS DISTINCT FROM 'stored'
      RETURNING id""";

  /**
   * A completed recording to download: any state but stored (a redelivery may take a failed
   * download over).
   */
  static final String DOWNLOADING =
      """
      UPDATE calls SET recording_sid = COALESCE($2, recording_sid), recording_url = $3,
        recording_status = 'downloading', updated_at = now()
      WHERE call_sid = $1 AND recording_status IS DISTINCT FROM 'stored'
      RETURNING id""";

  static final String RECORDING_STORED =
      "UPDATE calls SET recording_status = 'stored', recording_file = $2, "
          + "updated_at = now() WHERE call_sid = $1";

  /**
   * Data retention (operator {@code purge}, DATA_RETENTION_DAYS): deletes at most $2 ended calls
   * created more than $1 days ago, oldest first, their transcript turns by ON DELETE CASCADE;
   * returns each call's audio keys and how many turns went with it (the statement's snapshot still
   * sees them). SKIP LOCKED: a call being written is left for the next pass. Each parameter once,
   * in order: the same text runs over JDBC ({@code db.Jdbc}).
   */
  static final String PURGE_ENDED =
      """
      DELETE FROM calls c WHERE c.id IN (
        SELECT id FROM calls WHERE created_at < now() - make_interval(days => $1)
          AND status IN ('completed', 'failed') ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING c.conversation_id, c.call_sid,
        (SELECT count(*) FROM transcriptions t WHERE t.call_id = c.id) AS turns""";
}
