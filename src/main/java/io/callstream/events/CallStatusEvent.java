package io.callstream.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A call changed status ({@code in_progress}, {@code completed}, {@code failed}): frame type {@code
 * call_status}.
 */
public record CallStatusEvent(
    long callId, String callSid, String conversationId, String status, Instant timestamp)
    implements CallEvent {

  public static final String TYPE = "call_status";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public CallEvents.Kind kind() {
    return "completed".equals(status) || "failed".equals(status)
        ? CallEvents.Kind.FINAL_STATUS
        : CallEvents.Kind.STATUS;
  }

  @Override
  public JsonObject toFrame() {
    return frameHead().put("status", status).put("timestamp", timestamp.toString());
  }
}
