package io.callstream.events;

import io.vertx.core.json.JsonObject;

/**
 * A call ended (completed or failed): frame type {@code call_completed}. {@code callData} is every
 * calls column but id; {@code lastSequenceNumber} tells subscribers which turns they must have
 * before this frame.
 */
public record CallCompletedEvent(
    long callId, String callSid, String conversationId, JsonObject callData, int lastSequenceNumber)
    implements CallEvent {

  public static final String TYPE = "call_completed";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CallEvents.Kind kind() {
    return CallEvents.Kind.COMPLETED;
  }

  @Override
  public int sequenceNumber() {
    return lastSequenceNumber;
  }

  @Override
  public JsonObject toFrame() {
    return frameHead().put("call_data", callData);
  }
}
