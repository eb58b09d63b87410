package io.callstream.call;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The owner of {@code transcriptions}: all of this table's SQL is here. The live-turn insert also
 * bumps the calls' sequence counters in the same statement (one round trip and one commit per
 * batch; see {@link #INSERT_BATCH}, and {@link #INSERT_ONE} for a batch of one): the only writes of
 * {@code calls} outside {@link CallRepository}, and the only statements writing two tables.
 */
public final class TranscriptRepository {
  /**
   * The steps, each a CTE:
   *
   * <ol>
   *   <li>{@code input}: the arrays, one row per request, {@code ord} = its position (arrival
   *       order).
   *   <li>{@code matched}: each request's call, by call_sid or conversation_id, the call_sid match
   *       preferred.
   *   <li>{@code locked}: the matched calls rows, locked in id order (two writers never lock in
   *       opposite orders, so they queue instead of deadlocking); FOR UPDATE returns the latest
   *       committed status and counter.
   *   <li>{@code existing}: requests whose (call, dedupe key) is already stored: a redelivery,
   *       answered with that row.
   *   <li>{@code fresh}: the turns to insert: call open, not stored, and the first request of its
   *       key in this batch; {@code rank} numbers them per call in arrival order.
   *   <li>{@code bumped}: one UPDATE per call adds the count of its fresh turns to the counter (a
   *       statement cannot update one row twice) and moves an initiated call to in_progress; {@code
   *       base} = the counter before.
   *   <li>{@code inserted}: each fresh turn gets base + rank: gapless, in arrival order; ids in
   *       arrival order too.
   * </ol>
   *
   * The result has one row per request in {@code ord} order; a later duplicate of a fresh turn in
   * the batch joins the inserted row by (call, key), with created = false. A turn stored
   * concurrently by another transaction after this statement's snapshot makes the insert fail with
   * 23505, rolling everything back: run the batch again.
   */
  static final String INSERT_BATCH =
      """
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
          WITH ORDINALITY AS u(call_sid, conversation_id, dedupe_key, speaker, message, spoken_at, ord)
      ), matched AS MATERIALIZED (
        SELECT i.ord, i.dedupe_key, i.speaker, i.message, i.spoken_at,
          (SELECT c.id FROM calls c WHERE c.call_sid = i.call_sid OR c.conversation_id = i.conversation_id
           ORDER BY (c.call_sid = i.call_sid) DESC NULLS LAST LIMIT 1) AS call_id
        FROM input i
      ), locked AS MATERIALIZED (
        SELECT c.id, c.status, c.call_sid, c.conversation_id FROM calls c
        WHERE c.id = ANY (ARRAY(SELECT m.call_id FROM matched m)) ORDER BY c.id FOR UPDATE
      ), existing AS MATERIALIZED (
        SELECT m.ord, t.id, t.sequence_number, t.spoken_at
        FROM matched m JOIN transcriptions t ON t.call_id = m.call_id AND t.dedupe_key = m.dedupe_key
      ), fresh AS MATERIALIZED (
        SELECT d.*, row_number() OVER (PARTITION BY d.call_id ORDER BY d.ord)::int AS rank
        FROM (SELECT DISTINCT ON (m.call_id, m.dedupe_key) m.*
              FROM matched m JOIN locked l ON l.id = m.call_id
              WHERE l.status NOT IN ('completed', 'failed')
                AND NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = m.ord)
              ORDER BY m.call_id, m.dedupe_key, m.ord) d
      ), bumped AS (
        UPDATE calls c SET last_sequence_number = c.last_sequence_number + k.n, updated_at = now(),
          status = CASE WHEN c.status = 'initiated' THEN 'in_progress' ELSE c.status END
        FROM (SELECT f.call_id, count(*)::int AS n FROM fresh f GROUP BY f.call_id) k
          JOIN locked l ON l.id = k.call_id
        WHERE c.id = k.call_id
        RETURNING c.id, c.last_sequence_number - k.n AS base, l.status = 'initiated' AS was_initiated
      ), inserted AS (
        INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                    dedupe_key)
        SELECT f.call_id, b.base + f.rank, f.speaker, f.message, f.spoken_at, 'live', f.dedupe_key
        FROM fresh f JOIN bumped b ON b.id = f.call_id ORDER BY f.ord
        RETURNING id, call_id, sequence_number, spoken_at, dedupe_key
      )
      SELECT m.ord, m.call_id, l.status, l.call_sid, l.conversation_id,
        coalesce(e.id, i.id) AS id, coalesce(e.sequence_number, i.sequence_number) AS sequence_number,
        coalesce(e.spoken_at, i.spoken_at) AS spoken_at, f.ord IS NOT NULL AS created,
        coalesce(f.rank = 1 AND b.was_initiated, false) AS started
      FROM matched m
      LEFT JOIN locked l ON l.id = m.call_id
      LEFT JOIN existing e ON e.ord = m.ord
      LEFT JOIN inserted i ON i.call_id = m.call_id AND i.dedupe_key = m.dedupe_key
      LEFT JOIN fresh f ON f.ord = m.ord
      LEFT JOIN bumped b ON b.id = m.call_id
      ORDER BY m.ord""";

  /**
   * Stores a batch of live turns in one statement (see {@link #INSERT_BATCH}; a batch of one turn
   * uses {@link #INSERT_ONE}, which answers the same); the results are in request order. Fails with
   * SQLSTATE 23505 when an identical turn was stored concurrently, 40P01 on a deadlock: run it
   * again.
   */
  public Future<List<LiveTurnResult>> insertLive(SqlClient db, List<LiveTurn> requests) {
    if (requests.size() == 1) {
      LiveTurn r = requests.get(0);
      return db.preparedQuery(INSERT_ONE)
          .execute(
              Tuple.of(
                  r.callSid(),
                  r.conversationId(),
                  r.dedupeKey(),
                  r.speaker(),
                  r.message(),
                  r.spokenAt() == null ? null : r.spokenAt().atOffset(ZoneOffset.UTC)))
          .map(rows -> results(rows, 1));
    }
    return insertBatch(db, requests);
  }

  /** {@link #INSERT_BATCH} whatever the batch's size. */
  Future<List<LiveTurnResult>> insertBatch(SqlClient db, List<LiveTurn> requests) {
    return db.preparedQuery(INSERT_BATCH)
        .execute(parameters(requests))
        .map(rows -> results(rows, requests.size()));
  }

  /**
   * {@link #INSERT_BATCH} for a batch of one turn, the usual batch below a few hundred webhooks per
   * second: the same steps, answers and errors, without the arrays, window and joins that only a
   * batch needs. With the writer's generic plans PostgreSQL runs it in less than half the time:
   * 0.19-0.22 ms against 0.44-0.50 ms (EXPLAIN ANALYZE EXECUTE of both, prepared, on a 100,000-turn
   * table; the peer's one-turn statement: 0.16-0.25 ms).
   */
  static final String INSERT_ONE =
      """
      WITH c AS MATERIALIZED (
        SELECT l.id, l.status, l.call_sid, l.conversation_id FROM calls l
        WHERE l.id = (SELECT m.id FROM calls m WHERE m.call_sid = $1 OR m.conversation_id = $2
                      ORDER BY (m.call_sid = $1) DESC NULLS LAST LIMIT 1)
        FOR UPDATE
      ), e AS MATERIALIZED (
        SELECT t.id, t.sequence_number, t.spoken_at FROM transcriptions t
        WHERE t.call_id = (SELECT c.id FROM c) AND t.dedupe_key = $3
      ), b AS (
        UPDATE calls u SET last_sequence_number = u.last_sequence_number + 1, updated_at = now(),
          status = CASE WHEN u.status = 'initiated' THEN 'in_progress' ELSE u.status END
        FROM c
        WHERE u.id = c.id AND c.status NOT IN ('completed', 'failed') AND NOT EXISTS (SELECT 1 FROM e)
        RETURNING u.id, u.last_sequence_number AS seq, c.status = 'initiated' AS was_initiated
      ), i AS (
        INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                    dedupe_key)
        SELECT b.id, b.seq, $4, $5, $6, 'live', $3 FROM b
        RETURNING id, sequence_number, spoken_at
      )
      SELECT 1::bigint AS ord, c.id AS call_id, c.status, c.call_sid, c.conversation_id,
        coalesce(e.id, i.id) AS id, coalesce(e.sequence_number, i.sequence_number) AS sequence_number,
        coalesce(e.spoken_at, i.spoken_at) AS spoken_at, i.id IS NOT NULL AS created,
        coalesce(b.was_initiated, false) AS started
      FROM (SELECT 1) one
      LEFT JOIN c ON true LEFT JOIN e ON true LEFT JOIN b ON true LEFT JOIN i ON true""";

  private static Tuple parameters(List<LiveTurn> requests) {
    int n = requests.size();
    String[] callSids = new String[n];
    String[] conversationIds = new String[n];
    String[] keys = new String[n];
    String[] speakers = new String[n];
    String[] messages = new String[n];
    OffsetDateTime[] spokenAt = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      LiveTurn r = requests.get(i);
      callSids[i] = r.callSid();
      conversationIds[i] = r.conversationId();
      keys[i] = r.dedupeKey();
      speakers[i] = r.speaker();
      messages[i] = r.message();
      spokenAt[i] = r.spokenAt() == null ? null : r.spokenAt().atOffset(ZoneOffset.UTC);
    }
    return Tuple.tuple()
        .addValue(callSids)
        .addValue(conversationIds)
        .addValue(keys)
        .addValue(speakers)
        .addValue(messages)
        .addValue(spokenAt);
  }

  private static List<LiveTurnResult> results(RowSet<Row> rows, int expected) {
    List<LiveTurnResult> results = new ArrayList<>(expected);
    for (Row r : rows) {
      if (r.getLong("ord") != results.size() + 1) {
        throw new IllegalStateException("batch result out of order at row " + (results.size() + 1));
      }
      results.add(result(r));
    }
    if (results.size() != expected) {
      throw new IllegalStateException(
          "batch of " + expected + " answered " + results.size() + " rows");
    }
    return results;
  }

  private static LiveTurnResult result(Row r) {
    String status = r.getString("status");
    if (status == null) {
      // no call matched (or it was deleted before it could be locked)
      return new LiveTurnResult.UnknownCall();
    }
    Long id = r.getLong("id");
    if (id == null) {
      if (!Call.COMPLETED.equals(status) && !Call.FAILED.equals(status)) {
        throw new IllegalStateException(
            "turn neither stored nor refused (call status " + status + ")");
      }
      return new LiveTurnResult.CallEnded(status);
    }
    return new LiveTurnResult.Stored(
        new StoredTurn(
            id,
            r.getLong("call_id"),
            r.getInteger("sequence_number"),
            Call.instant(r, "spoken_at"),
            r.getString("call_sid"),
            r.getString("conversation_id"),
            r.getBoolean("started"),
            r.getBoolean("created")));
  }

  /**
   * Moves the entries waiting in the full-text index's pending list (GIN {@code fastupdate}) into
   * the index proper; answers the number of pending-list pages it emptied. Left alone, the insert
   * that finds the list over {@code gin_pending_list_limit} (4 MB) does this itself, inside its own
   * statement: 100-300 ms during which the batch holds its calls' row locks (see {@link
   * SearchIndexUpkeep}). Only the index's owner may run it (SQLSTATE 42501 otherwise).
   */
  static final String CLEAN_SEARCH_PENDING =
      "SELECT gin_clean_pending_list('transcriptions_search_idx'::regclass) AS pages";

  public Future<Long> cleanSearchPending(SqlClient db) {
    return db.query(CLEAN_SEARCH_PENDING).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Post-call turns, only when the call received no live turns; a turn already stored is skipped.
   */
  private static final String INSERT_TURNS =
      """
      INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                  dedupe_key)
      SELECT $1, t.seq, t.speaker, t.message, t.spoken_at, 'post_call', t.dedupe_key
      FROM unnest($2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
        AS t(seq, speaker, message, spoken_at, dedupe_key)
      WHERE NOT EXISTS (SELECT 1 FROM transcriptions WHERE call_id = $1 AND source = 'live')
      ON CONFLICT DO NOTHING
      RETURNING\s"""
          + Transcription.COLUMNS;

  /**
   * A live turn as stored: {@code created} is false when it was a redelivery of a stored turn;
   * {@code started} when this turn moved the call from initiated to in_progress.
   */
  public record StoredTurn(
      long transcriptionId,
      long callId,
      int sequenceNumber,
      Instant spokenAt,
      String callSid,
      String conversationId,
      boolean started,
      boolean created) {}

  private static final String RANGE =
      "SELECT "
          + Transcription.COLUMNS
          + " FROM transcriptions "
          + "WHERE call_id = $1 AND sequence_number > $2 AND sequence_number <= $3 ORDER BY sequence_number";

  /** Turns of a call with afterSequence < sequence_number <= upToSequence, in order. */
  public Future<List<Transcription>> range(
      SqlClient db, long callId, int afterSequence, int upToSequence) {
    return db.preparedQuery(RANGE)
        .execute(Tuple.of(callId, afterSequence, upToSequence))
        .map(
            rows -> {
              List<Transcription> list = new ArrayList<>(rows.size());
              rows.forEach(r -> list.add(Transcription.fromRow(r)));
              return list;
            });
  }

  /** Every turn after the given sequence number, in order. */
  public Future<List<Transcription>> after(SqlClient db, long callId, int afterSequence) {
    return range(db, callId, afterSequence, Integer.MAX_VALUE);
  }

  /** A post-call transcript turn to store. */
  public record Turn(
      int sequenceNumber,
      String speaker,
      String message,
      OffsetDateTime spokenAt,
      String dedupeKey) {}

  /**
   * Inserts the turns (post-call turns, see {@link #INSERT_TURNS}); returns those actually
   * inserted, in sequence order.
   */
  public Future<List<Transcription>> insertPostCallTurns(
      SqlClient db, long callId, List<Turn> turns) {
    if (turns.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = turns.size();
    Integer[] seq = new Integer[n];
    String[] speaker = new String[n];
    String[] message = new String[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] key = new String[n];
    for (int i = 0; i < n; i++) {
      Turn t = turns.get(i);
      seq[i] = t.sequenceNumber();
      speaker[i] = t.speaker();
      message[i] = t.message();
      at[i] = t.spokenAt();
      key[i] = t.dedupeKey();
    }
    return db.preparedQuery(INSERT_TURNS)
        .execute(Tuple.of(callId, seq, speaker, message, at, key))
        .map(
            rows -> {
              List<Transcription> list = new ArrayList<>(rows.size());
              rows.forEach(r -> list.add(Transcription.fromRow(r)));
              list.sort((a, b) -> Integer.compare(a.sequenceNumber(), b.sequenceNumber()));
              return list;
            });
  }
}
