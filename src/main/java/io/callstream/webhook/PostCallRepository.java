package io.callstream.webhook;

import io.callstream.call.Call;
import io.callstream.call.Transcription;
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
 * The post-call writes to {@code calls} and {@code transcriptions} (run inside the webhook's transaction). Every
 * update returns the row only when it changed something, so a repeated application publishes nothing.
 */
public final class PostCallRepository {
  private static final String FIND_FOR_UPDATE = "SELECT " + Call.COLUMNS + " FROM calls "
      + "WHERE conversation_id = $1 OR call_sid = $2 ORDER BY (conversation_id = $1) DESC NULLS LAST, id "
      + "LIMIT 1 FOR UPDATE";

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

  private static final String FAIL = """
      UPDATE calls SET status = 'failed', failure_reason = $2, conversation_id = COALESCE(conversation_id, $3),
        call_end_time = to_timestamp($4::bigint), updated_at = now()
      WHERE id = $1 AND (status, failure_reason, conversation_id, call_end_time)
        IS DISTINCT FROM ('failed', $2, COALESCE(conversation_id, $3), to_timestamp($4::bigint))
      RETURNING\s""" + Call.COLUMNS;

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

  /** A post-call transcript turn to store. */
  public record Turn(int sequenceNumber, String speaker, String message, OffsetDateTime spokenAt, String dedupeKey) {}

  /** The columns a post_call_transcription sets. */
  public record Completion(String conversationId, long endTime, String summary, Integer durationSeconds, Double cost,
                           Boolean successful, JsonObject analysis, JsonObject metadata) {}

  /** The call by conversation id, else by call_sid, locked until the transaction ends. */
  public Future<Optional<Call>> findForUpdate(SqlClient db, String conversationId, String callSid) {
    return db.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(conversationId, callSid))
        .map(PostCallRepository::first);
  }

  /** Completes the call; empty when it already held exactly these values. */
  public Future<Optional<Call>> complete(SqlClient db, long callId, Completion c) {
    Tuple params = Tuple.of(callId, c.conversationId(), c.endTime(), c.summary(), c.durationSeconds(), c.cost())
        .addValue(c.successful()).addValue(c.analysis()).addValue(c.metadata());
    return db.preparedQuery(COMPLETE).execute(params).map(PostCallRepository::first);
  }

  /** Marks the call failed; empty when it already was, with this reason and end time. */
  public Future<Optional<Call>> fail(SqlClient db, long callId, String reason, String conversationId, long endTime) {
    return db.preparedQuery(FAIL).execute(Tuple.of(callId, reason, conversationId, endTime))
        .map(PostCallRepository::first);
  }

  /** Inserts the turns (see {@link #INSERT_TURNS}); returns those actually inserted, in sequence order. */
  public Future<List<Transcription>> insertTurns(SqlClient db, long callId, List<Turn> turns) {
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

  private static Optional<Call> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Call.fromRow(it.next())) : Optional.empty();
  }
}
