package io.callstream.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A dispatcher marked an ended call handled (it leaves every console's attention list): frame type
 * {@code call_handled}, sent to sockets watching the fleet feed only.
 */
public record CallHandledEvent(
    long callId, String callSid, String conversationId, String handledBy, Instant handledAt)
    implements CallEvent {

  public static final String TYPE = "call_handled";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CallEvents.Kind kind() {
    return CallEvents.Kind.HANDLED;
  }

  @Override
  public JsonObject toFrame() {
    return frameHead().put("handled_by", handledBy).put("handled_at", handledAt.toString());
  }
}
