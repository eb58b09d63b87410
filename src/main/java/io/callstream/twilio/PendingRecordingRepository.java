package io.callstream.twilio;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@code pending_recordings} (migration V5): a Twilio recording whose download is not
 * stored yet. A row is claimed by the node downloading it ({@code claimed_at}); a redelivered
 * callback or the periodic sweep takes it over when the last attempt failed or its claim is older
 * than RECORDING_RETRY_MINUTES (its node died). Deleted once the recording is stored.
 */
final class PendingRecordingRepository {
  /**
   * The sweep gives up on a recording after this many attempts (each is {@link
   * RecordingDownloader#ATTEMPTS} tries).
   */
  static final int MAX_ATTEMPTS = 10;

  private static final String CLAIM =
      """
      INSERT INTO pending_recordings (call_sid, recording_sid, recording_url, attempts, claimed_at)
      VALUES ($1, $2, $3, 1, now())
      ON CONFLICT (call_sid) DO UPDATE SET recording_sid = EXCLUDED.recording_sid,
        recording_url = EXCLUDED.recording_url, attempts = pending_recordings.attempts + 1, claimed_at = now(),
        last_error = NULL
      WHERE pending_recordings.last_error IS NOT NULL
        OR pending_recordings.claimed_at < now() - make_interval(mins => $4)
      RETURNING attempts""";
  private static final String FAILED =
      "UPDATE pending_recordings SET last_error = $2 WHERE call_sid = $1";
  private static final String DONE = "DELETE FROM pending_recordings WHERE call_sid = $1";

  /**
   * Abandoned or failed long enough ago: one node takes each (SKIP LOCKED), at most $2 per sweep.
   */
  private static final String STALE =
      """
      UPDATE pending_recordings SET claimed_at = now(), attempts = attempts + 1, last_error = NULL
      WHERE call_sid IN (
        SELECT call_sid FROM pending_recordings
        WHERE claimed_at < now() - make_interval(mins => $1) AND attempts < $3
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING call_sid, recording_sid, recording_url""";

  /** A recording to fetch again. */
  record Pending(String callSid, String recordingSid, String recordingUrl) {}

  /** True when this caller now owns the download (new, or taken over). */
  Future<Boolean> claim(
      SqlClient db, String callSid, String recordingSid, String url, int retryMinutes) {
    return db.preparedQuery(CLAIM)
        .execute(Tuple.of(callSid, recordingSid, url, retryMinutes))
        .map(rows -> rows.size() > 0);
  }

  Future<Void> failed(SqlClient db, String callSid, String error) {
    return db.preparedQuery(FAILED).execute(Tuple.of(callSid, error)).mapEmpty();
  }

  Future<Void> done(SqlClient db, String callSid) {
    return db.preparedQuery(DONE).execute(Tuple.of(callSid)).mapEmpty();
  }

  Future<List<Pending>> claimStale(SqlClient db, int retryMinutes, int limit) {
    return db.preparedQuery(STALE)
        .execute(Tuple.of(retryMinutes, limit, MAX_ATTEMPTS))
        .map(
            rows -> {
              List<Pending> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Pending(
                        r.getString("call_sid"),
                        r.getString("recording_sid"),
                        r.getString("recording_url")));
              }
              return out;
            });
  }
}
