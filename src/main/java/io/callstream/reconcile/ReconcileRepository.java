package io.callstream.reconcile;

import io.callstream.call.Call;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The reconciler's SQL. Every query is bounded by an index: calls by {@code calls_status_created_at_idx} (status
 * first; calls not ended are few), inbox rows by the partial indexes on {@code status = 'pending'}, and a pending
 * row's call by the unique keys {@code conversation_id} and {@code call_sid}.
 */
final class ReconcileRepository {
  /**
   * In progress with no change for the bound (a live turn or any update moves updated_at), with a conversation id to
   * ask ElevenLabs about; in id order after a cursor, so that a long backlog is visited round-robin across cycles.
   */
  private static final String STUCK = "SELECT id, call_sid, conversation_id FROM calls "
      + "WHERE status = 'in_progress' AND conversation_id IS NOT NULL "
      + "AND updated_at < now() - $1::int * interval '1 second' AND id > $2 ORDER BY id LIMIT $3";
  private static final String COUNT_STUCK = "SELECT count(*) FROM calls "
      + "WHERE status = 'in_progress' AND updated_at < now() - $1::int * interval '1 second'";
  /** SKIP LOCKED: a call start that is just storing its conversation id keeps its row; the outer WHERE re-checks. */
  private static final String MARK_STALE = "UPDATE calls SET status = 'failed', failure_reason = $2, "
      + "call_end_time = now(), updated_at = now() "
      + "WHERE id IN (SELECT id FROM calls WHERE status = 'initiated' AND conversation_id IS NULL "
      + "  AND created_at < now() - $1::int * interval '1 second' ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) "
      + "AND status = 'initiated' AND conversation_id IS NULL RETURNING " + Call.COLUMNS;
  /** Two EXISTS rather than one with OR: each is one probe of a unique index. */
  private static final String PARKED = "SELECT w.conversation_id, w.call_sid, min(w.id) AS first_id "
      + "FROM webhook_events w WHERE w.status = 'pending' "
      + "AND (EXISTS (SELECT 1 FROM calls c WHERE c.conversation_id = w.conversation_id) "
      + "  OR EXISTS (SELECT 1 FROM calls c WHERE c.call_sid = w.call_sid)) "
      + "GROUP BY w.conversation_id, w.call_sid ORDER BY first_id LIMIT $1";
  /**
   * Parked rows older than the retention become {@code expired} (body kept for forensics, reason in error), oldest
   * first, at most $2 per run; SKIP LOCKED leaves a row that a call start is just applying to it.
   */
  private static final String EXPIRE_PARKED = "UPDATE webhook_events SET status = 'expired', "
      + "error = 'expired: parked (call unknown) for longer than ' || $1::int || ' h' "
      + "WHERE id IN (SELECT id FROM webhook_events WHERE status = 'pending' "
      + "  AND received_at < now() - $1::int * interval '1 hour' ORDER BY received_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
      + "AND status = 'pending'";
  /** Both counts read the partial indexes on pending and failed rows: cheap however big the inbox grows. */
  private static final String INBOX = "SELECT count(*) AS pending, "
      + "COALESCE(EXTRACT(EPOCH FROM now() - min(received_at)), 0)::float8 AS oldest, "
      + "(SELECT count(*) FROM webhook_events WHERE status = 'failed') AS failed "
      + "FROM webhook_events WHERE status = 'pending'";

  /** A call to ask ElevenLabs about. */
  record StuckCall(long id, String callSid, String conversationId) {}

  /** The identifiers of pending inbox events whose call exists (either may be null). */
  record ParkedKey(String conversationId, String callSid) {}

  /** The inbox backlog: pending rows and the age of the oldest (0 when none). */
  record InboxState(long pending, double oldestAgeSeconds, long failed) {}

  Future<List<StuckCall>> stuck(SqlClient db, int afterSeconds, long afterId, int limit) {
    return db.preparedQuery(STUCK).execute(Tuple.of(afterSeconds, afterId, limit)).map(rows -> {
      List<StuckCall> calls = new ArrayList<>();
      rows.forEach(r -> calls.add(new StuckCall(r.getLong("id"), r.getString("call_sid"),
          r.getString("conversation_id"))));
      return calls;
    });
  }

  Future<Long> countStuck(SqlClient db, int afterSeconds) {
    return db.preparedQuery(COUNT_STUCK).execute(Tuple.of(afterSeconds))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Marks calls initiated longer than the bound without a conversation id failed; the calls it changed. */
  Future<List<Call>> markStale(SqlClient db, int afterSeconds, String reason, int limit) {
    return db.preparedQuery(MARK_STALE).execute(Tuple.of(afterSeconds, reason, limit)).map(rows -> {
      List<Call> calls = new ArrayList<>();
      rows.forEach(r -> calls.add(Call.fromRow(r)));
      return calls;
    });
  }

  Future<List<ParkedKey>> parked(SqlClient db, int limit) {
    return db.preparedQuery(PARKED).execute(Tuple.of(limit)).map(rows -> {
      List<ParkedKey> keys = new ArrayList<>();
      rows.forEach(r -> keys.add(new ParkedKey(r.getString("conversation_id"), r.getString("call_sid"))));
      return keys;
    });
  }

  /** Expires parked rows older than {@code retentionHours}; how many. */
  Future<Integer> expireParked(SqlClient db, int retentionHours, int limit) {
    return db.preparedQuery(EXPIRE_PARKED).execute(Tuple.of(retentionHours, limit)).map(rows -> rows.rowCount());
  }

  Future<InboxState> inbox(SqlClient db) {
    return db.query(INBOX).execute().map(rows -> {
      Row r = rows.iterator().next();
      return new InboxState(r.getLong("pending"), r.getDouble("oldest"), r.getLong("failed"));
    });
  }
}
