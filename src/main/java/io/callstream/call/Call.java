package io.callstream.call;

import io.callstream.events.CallCompletedEvent;
import io.callstream.events.CallEvent;
import io.callstream.events.CallStatusEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** One row of {@code calls}. */
public record Call(
    long id,
    String callSid,
    String conversationId,
    String driverId,
    String status,
    String failureReason,
    Instant callStartTime,
    Instant callEndTime,
    String transcriptSummary,
    Integer callDurationSeconds,
    Double cost,
    Boolean callSuccessful,
    JsonObject analysisData,
    JsonObject metadataJson,
    int lastSequenceNumber,
    List<String> violationTypes,
    String startedBy,
    String direction,
    String callerNumber,
    String recordingStatus,
    Instant createdAt,
    Instant updatedAt,
    String handledBy,
    Instant handledAt) {

  public static final String INITIATED = "initiated";
  public static final String IN_PROGRESS = "in_progress";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";

  /** The column list every query of calls selects, in {@link #fromRow} order. */
  public static final String COLUMNS =
      "id, call_sid, conversation_id, driver_id, status, failure_reason, "
          + "call_start_time, call_end_time, transcript_summary, call_duration_seconds, cost, call_successful, "
          + "analysis_data, metadata_json, last_sequence_number, violation_types, started_by, direction, caller_number, "
          + "recording_status, created_at, updated_at, handled_by, handled_at";

  public boolean ended() {
    return COMPLETED.equals(status) || FAILED.equals(status);
  }

  /**
   * What subscribers are owed when this (ended) call's row changed: its final call_status, then
   * call_completed. Every path that ends a call publishes exactly these, after its commit.
   */
  public List<CallEvent> endEvents() {
    Instant at = callEndTime != null ? callEndTime : updatedAt;
    return List.of(
        new CallStatusEvent(id, callSid, conversationId, status, at),
        new CallCompletedEvent(id, callSid, conversationId, toJson(), lastSequenceNumber));
  }

  public static Call fromRow(Row r) {
    return new Call(
        r.getLong("id"),
        r.getString("call_sid"),
        r.getString("conversation_id"),
        r.getString("driver_id"),
        r.getString("status"),
        r.getString("failure_reason"),
        instant(r, "call_start_time"),
        instant(r, "call_end_time"),
        r.getString("transcript_summary"),
        r.getInteger("call_duration_seconds"),
        r.getDouble("cost"),
        r.getBoolean("call_successful"),
        json(r, "analysis_data"),
        json(r, "metadata_json"),
        r.getInteger("last_sequence_number"),
        strings(r, "violation_types"),
        r.getString("started_by"),
        r.getString("direction"),
        r.getString("caller_number"),
        r.getString("recording_status"),
        instant(r, "created_at"),
        instant(r, "updated_at"),
        r.getString("handled_by"),
        instant(r, "handled_at"));
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static List<String> strings(Row r, String column) {
    String[] values = r.getArrayOfStrings(column);
    return values == null ? List.of() : List.of(values);
  }

  private static JsonObject json(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof JsonObject o ? o : null;
  }

  /**
   * Every column but id, as dashboards and the API see it (docs/websocket-api.md {@code call_data},
   * docs/http-api.md GET /calls/{id}), extended with {@code violation_types} and {@code
   * started_by}. Of the inbound (Twilio) columns, {@code direction}, {@code caller_number} and
   * {@code recording_status} are shown; the recording's sid, URL and file and the stored TwiML
   * answer are internal and are not. {@code handled_by}/{@code handled_at}: who marked the call
   * handled on the attention list, and when (null until then).
   */
  public JsonObject toJson() {
    return new JsonObject()
        .put("call_sid", callSid)
        .put("conversation_id", conversationId)
        .put("driver_id", driverId)
        .put("status", status)
        .put("failure_reason", failureReason)
        .put("call_start_time", text(callStartTime))
        .put("call_end_time", text(callEndTime))
        .put("transcript_summary", transcriptSummary)
        .put("call_duration_seconds", callDurationSeconds)
        .put("cost", cost)
        .put("call_successful", callSuccessful)
        .put("analysis_data", analysisData)
        .put("metadata_json", metadataJson)
        .put("last_sequence_number", lastSequenceNumber)
        .put("violation_types", new JsonArray(violationTypes))
        .put("started_by", startedBy)
        .put("direction", direction)
        .put("caller_number", callerNumber)
        .put("recording_status", recordingStatus)
        .put("created_at", text(createdAt))
        .put("updated_at", text(updatedAt))
        .put("handled_by", handledBy)
        .put("handled_at", text(handledAt));
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
