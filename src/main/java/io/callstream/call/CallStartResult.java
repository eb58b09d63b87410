package io.callstream.call;

import io.vertx.core.json.JsonObject;

/**
 * The outcome of starting one driver's call: the call's ids and status, and why it failed (null on
 * success).
 */
public record CallStartResult(
    String driverId, String callSid, String conversationId, String status, String error) {

  public static CallStartResult of(Call call, String error) {
    return new CallStartResult(
        call.driverId(), call.callSid(), call.conversationId(), call.status(), error);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("driver_id", driverId)
        .put("call_sid", callSid)
        .put("conversation_id", conversationId)
        .put("status", status)
        .put("error", error);
  }
}
