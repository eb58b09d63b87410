package io.callstream.call;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes of {@code transcriptions}; all of this table's SQL is here. The live-turn insert also bumps the
 * call's sequence counter in the same statement (one round trip; see {@link #INSERT_LIVE}).
 */
public final class TranscriptRepository {
  /**
   * One live turn in one statement (one round trip): find the call by call_sid or conversation_id; if the turn's
   * dedupe key is already stored, return that row; else take the next sequence number from the calls row
   * (UPDATE ... RETURNING under the row lock: gapless, in arrival order; the first turn moves an initiated call
   * to in_progress) and insert the turn. No row back: unknown call, or call ended. Two identical turns racing:
   * the loser fails with 23505 on UNIQUE (call_id, dedupe_key), the whole statement (counter included) rolls
   * back, and running it again returns the winner's row.
   */
  private static final String INSERT_LIVE = """
      WITH target AS (
        SELECT id, status FROM calls WHERE call_sid = $1 OR conversation_id = $2
        ORDER BY (call_sid = $1) DESC NULLS LAST LIMIT 1
      ), existing AS (
        SELECT t.id, t.call_id, t.sequence_number, t.spoken_at FROM transcriptions t, target
        WHERE t.call_id = target.id AND t.dedupe_key = $3
      ), bumped AS (
        UPDATE calls c SET last_sequence_number = c.last_sequence_number + 1, updated_at = now(),
          status = CASE WHEN c.status = 'initiated' THEN 'in_progress' ELSE c.status END
        FROM target
        WHERE c.id = target.id AND c.status NOT IN ('completed', 'failed') AND NOT EXISTS (SELECT 1 FROM existing)
        RETURNING c.id, c.last_sequence_number, c.call_sid, c.conversation_id,
          (target.status = 'initiated' AND c.last_sequence_number = 1) AS started
      ), inserted AS (
        INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                    dedupe_key)
        SELECT id, last_sequence_number, $4, $5, $6, 'live', $3 FROM bumped
        RETURNING id, call_id, sequence_number, spoken_at
      )
      SELECT i.id, i.call_id, i.sequence_number, i.spoken_at, b.call_sid, b.conversation_id, b.started,
             true AS created
      FROM inserted i JOIN bumped b ON b.id = i.call_id
      UNION ALL
      SELECT e.id, e.call_id, e.sequence_number, e.spoken_at, c.call_sid, c.conversation_id, false, false
      FROM existing e JOIN calls c ON c.id = e.call_id""";

  /** Post-call turns, only when the call received no live turns; a turn already stored is skipped. */
  private static final String INSERT_TURNS = """
      INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source,
                                  dedupe_key)
      SELECT $1, t.seq, t.speaker, t.message, t.spoken_at, 'post_call', t.dedupe_key
      FROM unnest($2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
        AS t(seq, speaker, message, spoken_at, dedupe_key)
      WHERE NOT EXISTS (SELECT 1 FROM transcriptions WHERE call_id = $1 AND source = 'live')
      ON CONFLICT DO NOTHING
      RETURNING\s""" + Transcription.COLUMNS;

  private static final String CALL_STATUS = "SELECT status FROM calls WHERE call_sid = $1 OR conversation_id = $2 "
      + "ORDER BY (call_sid = $1) DESC NULLS LAST LIMIT 1";

  /**
   * A live turn as stored: {@code created} is false when it was a redelivery of a stored turn; {@code started}
   * when this turn moved the call from initiated to in_progress.
   */
  public record StoredTurn(long transcriptionId, long callId, int sequenceNumber, Instant spokenAt, String callSid,
                           String conversationId, boolean started, boolean created) {}
  private static final String RANGE = "SELECT " + Transcription.COLUMNS + " FROM transcriptions "
      + "WHERE call_id = $1 AND sequence_number > $2 AND sequence_number <= $3 ORDER BY sequence_number";

  /** Turns of a call with afterSequence < sequence_number <= upToSequence, in order. */
  public Future<List<Transcription>> range(SqlClient db, long callId, int afterSequence, int upToSequence) {
    return db.preparedQuery(RANGE).execute(Tuple.of(callId, afterSequence, upToSequence)).map(rows -> {
      List<Transcription> list = new ArrayList<>(rows.size());
      rows.forEach(r -> list.add(Transcription.fromRow(r)));
      return list;
    });
  }

  /** Every turn after the given sequence number, in order. */
  public Future<List<Transcription>> after(SqlClient db, long callId, int afterSequence) {
    return range(db, callId, afterSequence, Integer.MAX_VALUE);
  }

  /**
   * Stores one live turn (see {@link #INSERT_LIVE}); empty when no open call matches the identifiers. Fails with
   * SQLSTATE 23505 when an identical turn was stored concurrently: run it again.
   */
  public Future<Optional<StoredTurn>> insertLive(SqlClient db, String callSid, String conversationId,
                                                 String dedupeKey, String speaker, String message, Instant spokenAt) {
    OffsetDateTime at = spokenAt == null ? null : spokenAt.atOffset(ZoneOffset.UTC);
    return db.preparedQuery(INSERT_LIVE)
        .execute(Tuple.of(callSid, conversationId, dedupeKey, speaker, message, at))
        .map(rows -> {
          var it = rows.iterator();
          if (!it.hasNext()) {
            return Optional.empty();
          }
          Row r = it.next();
          return Optional.of(new StoredTurn(r.getLong("id"), r.getLong("call_id"), r.getInteger("sequence_number"),
              Call.instant(r, "spoken_at"), r.getString("call_sid"), r.getString("conversation_id"),
              r.getBoolean("started"), r.getBoolean("created")));
        });
  }

  /** A post-call transcript turn to store. */
  public record Turn(int sequenceNumber, String speaker, String message, OffsetDateTime spokenAt, String dedupeKey) {}

  /** Inserts the turns (post-call turns, see {@link #INSERT_TURNS}); returns those actually inserted, in sequence order. */
  public Future<List<Transcription>> insertPostCallTurns(SqlClient db, long callId, List<Turn> turns) {
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
    return db.preparedQuery(INSERT_TURNS).execute(Tuple.of(callId, seq, speaker, message, at, key)).map(rows -> {
      List<Transcription> list = new ArrayList<>(rows.size());
      rows.forEach(r -> list.add(Transcription.fromRow(r)));
      list.sort((a, b) -> Integer.compare(a.sequenceNumber(), b.sequenceNumber()));
      return list;
    });
  }

  /** The status of the call with these identifiers, if there is one (the failure path of a live turn). */
  public Future<Optional<String>> callStatus(SqlClient db, String callSid, String conversationId) {
    return db.preparedQuery(CALL_STATUS).execute(Tuple.of(callSid, conversationId)).map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? Optional.of(it.next().getString("status")) : Optional.<String>empty();
    });
  }
}
