package io.callstream.call;

import static io.callstream.call.CallSql.*;

import io.callstream.db.Jdbc;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The owner of {@code calls}: every read and write of this table goes through here (outbound
 * starts, post-call data, inbound Twilio calls and their recordings, the reconciler's sweeps), the
 * SQL text beside it in {@link CallSql}, the status values in {@link Call}. The one exception is
 * the live-turn batch of {@link TranscriptRepository}, which inserts turns and takes their sequence
 * numbers from the calls' counters in the same statement (one round trip and one commit per batch).
 * Takes a pool or a transaction's connection. Every update returns the row only when it changed
 * something, so a repeated application publishes nothing.
 */
public final class CallRepository {
  /** The columns a post_call_transcription sets. */
  public record Completion(
      String conversationId,
      long endTime,
      String summary,
      Integer durationSeconds,
      Double cost,
      Boolean successful,
      JsonObject analysis,
      JsonObject metadata) {}

  /** A status change that may not have happened (someone else moved the call on first). */
  public record Update(Call call, boolean changed) {}

  /**
   * The call by conversation id, else by call_sid (as post-call data names it), without locking.
   */
  public Future<Optional<Call>> findByIdentifiers(
      SqlClient db, String conversationId, String callSid) {
    return db.preparedQuery(FIND_BY_IDENTIFIERS)
        .execute(Tuple.of(conversationId, callSid))
        .map(CallRepository::first);
  }

  /** A call by call identifier: its call_sid or its conversation_id. */
  public Future<Optional<Call>> findByIdentifier(SqlClient db, String identifier) {
    return db.preparedQuery(FIND_BY_IDENTIFIER)
        .execute(Tuple.of(identifier))
        .map(CallRepository::first);
  }

  public Future<Optional<Call>> findById(SqlClient db, long id) {
    return db.preparedQuery(FIND_BY_ID).execute(Tuple.of(id)).map(CallRepository::first);
  }

  /** Writes a new call in status initiated; fails with SQLSTATE 23505 when the call_sid exists. */
  public Future<Call> insertInitiated(
      SqlClient db,
      String callSid,
      String driverId,
      List<String> violationTypes,
      String startedBy) {
    return db.preparedQuery(INSERT_INITIATED)
        .execute(Tuple.of(callSid, driverId, violationTypes.toArray(new String[0]), startedBy))
        .map(rows -> Call.fromRow(rows.iterator().next()));
  }

  /**
   * ElevenLabs accepted the dial: stores its conversation id (unless one is already set) and moves
   * an initiated call to in_progress. A call that a webhook already moved on keeps its status
   * ({@code changed} false).
   */
  public Future<Update> markDialled(SqlClient db, long id, String conversationId) {
    return db.preparedQuery(MARK_DIALLED)
        .execute(Tuple.of(id, conversationId))
        .map(CallRepository::first)
        .compose(
            moved ->
                moved.isPresent()
                    ? Future.succeededFuture(new Update(moved.get(), true))
                    : db.preparedQuery(SET_CONVERSATION)
                        .execute(Tuple.of(id, conversationId))
                        .map(rows -> new Update(first(rows).orElseThrow(), false)));
  }

  /**
   * The dial failed: an initiated call becomes failed with the reason and an end time (empty if not
   * initiated).
   */
  public Future<Optional<Call>> markFailed(SqlClient db, long id, String reason) {
    return db.preparedQuery(MARK_FAILED).execute(Tuple.of(id, reason)).map(CallRepository::first);
  }

  /**
   * Marks the call handled by {@code subject}: the call as it now is, and whether this mark changed
   * it (false: someone marked it first, and keeps it).
   */
  public Future<Update> markHandled(SqlClient db, long id, String subject) {
    return db.preparedQuery(MARK_HANDLED)
        .execute(Tuple.of(id, subject))
        .map(CallRepository::first)
        .compose(
            marked ->
                marked.isPresent()
                    ? Future.succeededFuture(new Update(marked.get(), true))
                    : findById(db, id).map(c -> new Update(c.orElseThrow(), false)));
  }

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
    return db.preparedQuery(FIND_FOR_UPDATE)
        .execute(Tuple.of(conversationId, callSid))
        .map(CallRepository::first);
  }

  /** Completes the call; empty when it already held exactly these values. */
  public Future<Optional<Call>> complete(SqlClient db, long callId, Completion c) {
    Tuple params =
        Tuple.of(
                callId, c.conversationId(), c.endTime(), c.summary(), c.durationSeconds(), c.cost())
            .addValue(c.successful())
            .addValue(c.analysis())
            .addValue(c.metadata());
    return db.preparedQuery(COMPLETE).execute(params).map(CallRepository::first);
  }

  /**
   * A call_initiation_failure: marks the call failed; empty when it already was, with this reason
   * and end time.
   */
  public Future<Optional<Call>> failFromPostCall(
      SqlClient db, long callId, String reason, String conversationId, long endTime) {
    return db.preparedQuery(FAIL_FROM_POST_CALL)
        .execute(Tuple.of(callId, reason, conversationId, endTime))
        .map(CallRepository::first);
  }

  /**
   * In progress with no change for {@code afterSeconds} (a live turn or any update moves
   * updated_at), with a conversation id to ask ElevenLabs about; in id order after {@code afterId}
   * (by calls_status_created_at_idx).
   */
  public Future<List<Call>> stuck(SqlClient db, int afterSeconds, long afterId, int limit) {
    return db.preparedQuery(STUCK)
        .execute(Tuple.of(afterSeconds, afterId, limit))
        .map(CallRepository::all);
  }

  public Future<Long> countStuck(SqlClient db, int afterSeconds) {
    return db.preparedQuery(COUNT_STUCK)
        .execute(Tuple.of(afterSeconds))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Marks at most {@code limit} calls initiated longer than the bound without a conversation id
   * failed.
   */
  public Future<List<Call>> failStaleInitiated(
      SqlClient db, int afterSeconds, String reason, int limit) {
    return db.preparedQuery(FAIL_STALE)
        .execute(Tuple.of(afterSeconds, reason, limit))
        .map(CallRepository::all);
  }

  // ---- inbound Twilio calls (direction, caller and recording columns of migration V3); every
  // status write is
  // conditional, so a redelivered callback changes nothing and publishes nothing

  /** The call and whether this request inserted it (false: a replay or a concurrent duplicate). */
  public record Inbound(Call call, boolean inserted) {}

  /**
   * What a voice webhook for a known CallSid is answered from: whether the call is live, and its
   * stored answer.
   */
  public record InboundAnswer(boolean live, String twiml) {}

  /**
   * Inserts an inbound call (initiated), or finds the one a repeated voice webhook for this CallSid
   * inserted.
   */
  public Future<Inbound> insertInbound(
      SqlClient db, String callSid, String driverId, String callerNumber) {
    return db.preparedQuery(INSERT_INBOUND)
        .execute(Tuple.of(callSid, driverId, callerNumber))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Inbound(Call.fromRow(r), r.getBoolean("inserted"));
            });
  }

  public Future<Optional<InboundAnswer>> inboundAnswer(SqlClient db, String callSid) {
    return db.preparedQuery(INBOUND_ANSWER)
        .execute(Tuple.of(callSid))
        .map(
            rows -> {
              var it = rows.iterator();
              if (!it.hasNext()) {
                return Optional.empty();
              }
              Row r = it.next();
              return Optional.of(
                  new InboundAnswer(r.getBoolean("live"), r.getString("inbound_answer")));
            });
  }

  /** Keeps the first TwiML answer of an inbound call (a replayed voice webhook gets the same). */
  public Future<Void> saveInboundAnswer(SqlClient db, String callSid, String twiml) {
    return db.preparedQuery(SAVE_ANSWER).execute(Tuple.of(callSid, twiml)).mapEmpty();
  }

  /**
   * A live inbound call that could not be connected: failed with the reason (empty if it had
   * ended).
   */
  public Future<Optional<Call>> markInboundFailed(SqlClient db, String callSid, String reason) {
    return db.preparedQuery(MARK_INBOUND_FAILED)
        .execute(Tuple.of(callSid, reason))
        .map(CallRepository::first);
  }

  /** Twilio answered: an initiated call moves to in_progress (empty if it was not initiated). */
  public Future<Optional<Call>> markInboundAnswered(SqlClient db, String callSid) {
    return db.preparedQuery(MARK_ANSWERED).execute(Tuple.of(callSid)).map(CallRepository::first);
  }

  /**
   * Twilio ended a live call: {@link Call#COMPLETED}, or {@link Call#FAILED} with {@code reason};
   * empty when the call had ended already (then {@link #fillInboundEnd} fills what is missing).
   */
  public Future<Optional<Call>> endInbound(
      SqlClient db, String callSid, String status, String reason, Integer duration) {
    if (!Call.COMPLETED.equals(status) && !Call.FAILED.equals(status)) {
      throw new IllegalArgumentException("not an end status: " + status);
    }
    return db.preparedQuery(END_INBOUND)
        .execute(Tuple.of(callSid, status, reason, duration))
        .map(CallRepository::first);
  }

  /** An ended call's end time and duration, where still missing; empty when nothing was missing. */
  public Future<Optional<Call>> fillInboundEnd(SqlClient db, String callSid, Integer duration) {
    return db.preparedQuery(FILL_END)
        .execute(Tuple.of(callSid, duration))
        .map(CallRepository::first);
  }

  // ---- recordings of inbound calls (calls.recording_status: requested -> recording |
  // start_failed; then Twilio's
  // callback: downloading -> stored | download_failed, or Twilio's own absent / failed)

  /** True when this caller may start the call's recording (the first, on a live call). */
  public Future<Boolean> claimRecording(SqlClient db, String callSid) {
    return db.preparedQuery(CLAIM_RECORDING)
        .execute(Tuple.of(callSid))
        .map(rows -> rows.size() > 0);
  }

  public Future<Void> recordingStarted(SqlClient db, String callSid, String recordingSid) {
    return moveRecording(db, callSid, "requested", "recording", recordingSid);
  }

  public Future<Void> recordingStartFailed(SqlClient db, String callSid) {
    return moveRecording(db, callSid, "requested", "start_failed", null);
  }

  public Future<Void> recordingDownloadFailed(SqlClient db, String callSid) {
    return moveRecording(db, callSid, "downloading", "download_failed", null);
  }

  private Future<Void> moveRecording(
      SqlClient db, String callSid, String from, String to, String recordingSid) {
    return db.preparedQuery(MOVE_RECORDING)
        .execute(Tuple.of(callSid, from, to, recordingSid))
        .mapEmpty();
  }

  /**
   * Twilio's recording ended without audio ({@code absent}, {@code failed}: stored as is); false if
   * too late.
   */
  public Future<Boolean> recordingEnded(
      SqlClient db, String callSid, String recordingSid, String twilioStatus) {
    return db.preparedQuery(RECORDING_ENDED)
        .execute(Tuple.of(callSid, recordingSid, twilioStatus))
        .map(rows -> rows.size() > 0);
  }

  /**
   * A completed recording is being downloaded; false when it is stored already or there is no such
   * call.
   */
  public Future<Boolean> recordingDownloading(
      SqlClient db, String callSid, String recordingSid, String url) {
    return db.preparedQuery(DOWNLOADING)
        .execute(Tuple.of(callSid, recordingSid, url))
        .map(rows -> rows.size() > 0);
  }

  public Future<Void> recordingStored(SqlClient db, String callSid, String fileName) {
    return db.preparedQuery(RECORDING_STORED).execute(Tuple.of(callSid, fileName)).mapEmpty();
  }

  /**
   * What one purge pass deleted: calls, their transcript turns, and the audio keys of their
   * recordings.
   */
  public record Purged(int calls, long transcriptions, List<String> audioKeys) {}

  /**
   * {@link CallSql#PURGE_ENDED} on a transaction's connection (the reconciler's DATA_RETENTION_DAYS
   * pass).
   */
  public static Future<Purged> purgeEnded(SqlClient db, int days, int limit) {
    return db.preparedQuery(PURGE_ENDED)
        .execute(Tuple.of(days, limit))
        .map(
            rows -> {
              long turns = 0;
              List<String> keys = new ArrayList<>();
              for (Row r : rows) {
                turns += r.getLong("turns");
                addKeys(keys, r.getString("conversation_id"), r.getString("call_sid"));
              }
              return new Purged(rows.size(), turns, keys);
            });
  }

  /**
   * The same statement over JDBC (the operator's {@code purge}), inside the caller's transaction.
   */
  public static Purged purgeEnded(Connection c, int days, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(Jdbc.sql(PURGE_ENDED))) {
      s.setInt(1, days);
      s.setInt(2, limit);
      int calls = 0;
      long turns = 0;
      List<String> keys = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          calls++;
          turns += rs.getLong("turns");
          addKeys(keys, rs.getString("conversation_id"), rs.getString("call_sid"));
        }
      }
      return new Purged(calls, turns, keys);
    }
  }

  private static void addKeys(List<String> keys, String conversationId, String callSid) {
    if (conversationId != null) {
      keys.add(conversationId);
    }
    if (callSid != null) {
      keys.add(callSid);
    }
  }

  static Optional<Call> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Call.fromRow(it.next())) : Optional.empty();
  }
}
