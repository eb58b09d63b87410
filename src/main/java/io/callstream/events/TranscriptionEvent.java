package io.callstream.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One stored transcript turn: frame type {@code transcription}. */
public record TranscriptionEvent(
    long callId,
    String callSid,
    String conversationId,
    long transcriptionId,
    int sequenceNumber,
    String speakerType,
    String messageText,
    Instant timestamp)
    implements CallEvent {

  public static final String TYPE = "transcription";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CallEvents.Kind kind() {
    return CallEvents.Kind.TRANSCRIPTION;
  }

  @Override
  public JsonObject toFrame() {
    return frameHead()
        .put("transcription_id", transcriptionId)
        .put("sequence_number", sequenceNumber)
        .put("speaker_type", speakerType)
        .put("message_text", messageText)
        .put("timestamp", timestamp == null ? null : timestamp.toString());
  }
}
