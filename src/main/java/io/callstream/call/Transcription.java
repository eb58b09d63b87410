package io.callstream.call;

import io.callstream.events.TranscriptionEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/** One row of {@code transcriptions}. */
public record Transcription(
    long id,
    long callId,
    int sequenceNumber,
    String speakerType,
    String messageText,
    Instant spokenAt,
    String source,
    Instant createdAt) {

  public static final String COLUMNS =
      "id, call_id, sequence_number, speaker_type, message_text, spoken_at, source, created_at";

  public static Transcription fromRow(Row r) {
    return new Transcription(
        r.getLong("id"),
        r.getLong("call_id"),
        r.getInteger("sequence_number"),
        r.getString("speaker_type"),
        r.getString("message_text"),
        Call.instant(r, "spoken_at"),
        r.getString("source"),
        Call.instant(r, "created_at"));
  }

  public TranscriptionEvent toEvent(String callSid, String conversationId) {
    return new TranscriptionEvent(
        callId, callSid, conversationId, id, sequenceNumber, speakerType, messageText, spokenAt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("transcription_id", id)
        .put("sequence_number", sequenceNumber)
        .put("speaker_type", speakerType)
        .put("message_text", messageText)
        .put("timestamp", spokenAt == null ? null : spokenAt.toString())
        .put("source", source);
  }
}
