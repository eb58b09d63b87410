package io.callstream.events;

import io.vertx.core.json.JsonObject;

/**
 * A call was created (its row written before ElevenLabs dials, or an inbound call arrived): frame
 * type {@code call_started}, sent to sockets watching the fleet feed. {@code callData} has the
 * call_completed shape.
 */
public record CallStartedEvent(
    long callId, String callSid, String conversationId, JsonObject callData) implements CallEvent {

  public static final String TYPE = "call_started";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CallEvents.Kind kind() {
    return CallEvents.Kind.STARTED;
  }

  @Override
  public JsonObject toFrame() {
    return frameHead().put("call_data", callData);
  }
}
