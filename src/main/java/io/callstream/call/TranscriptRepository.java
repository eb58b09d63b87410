package io.callstream.call;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Reads of {@code transcriptions}; all its SQL is here. */
public final class TranscriptRepository {
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
}
