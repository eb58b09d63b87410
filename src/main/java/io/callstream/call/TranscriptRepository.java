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
 * batch; see {@link LiveTurnSql#INSERT_BATCH}, and {@link LiveTurnSql#INSERT_ONE} for a batch of
 * one): the only writes of {@code calls} outside {@link CallRepository}, and the only statements
 * writing two tables.
 */
public final class TranscriptRepository {

  /**
   * Stores a batch of live turns in one statement (see {@link LiveTurnSql#INSERT_BATCH}; a batch of
   * one turn uses {@link LiveTurnSql#INSERT_ONE}, which answers the same); the results are in
   * request order. Fails with SQLSTATE 23505 when an identical turn was stored concurrently, 40P01
   * on a deadlock: run it again.
   */
  public Future<List<LiveTurnResult>> insertLive(SqlClient db, List<LiveTurn> requests) {
    if (requests.size() == 1) {
      LiveTurn r = requests.get(0);
      return db.preparedQuery(LiveTurnSql.INSERT_ONE)
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

  /** {@link LiveTurnSql#INSERT_BATCH} whatever the batch's size. */
  Future<List<LiveTurnResult>> insertBatch(SqlClient db, List<LiveTurn> requests) {
    return db.preparedQuery(LiveTurnSql.INSERT_BATCH)
        .execute(parameters(requests))
        .map(rows -> results(rows, requests.size()));
  }

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
