package io.callstream.call;

import io.vertx.core.json.JsonObject;

/**
 * Post-call data about one call, whichever way it arrived (a post-call webhook, a backfill from
 * ElevenLabs' API, an event parked in the inbox): the event type, its timestamp (unix seconds), the
 * {@code data} object, and the call identifiers it carries. {@code callSid} is the {@code
 * callstream_call_sid} dynamic variable callstream put into the call when it started it (may be
 * null).
 */
public record PostCallEvent(
    String type, Long eventTimestamp, JsonObject data, String conversationId, String callSid) {
  public static final String TRANSCRIPTION = "post_call_transcription";
  public static final String INITIATION_FAILURE = "call_initiation_failure";

  /** Types that change a call; any other type is acknowledged and kept, never applied. */
  public boolean known() {
    return TRANSCRIPTION.equals(type) || INITIATION_FAILURE.equals(type);
  }

  /**
   * The event of a {@code data} object (same shape in the webhook body and in ElevenLabs'
   * conversation API).
   */
  public static PostCallEvent of(String type, Long eventTimestamp, JsonObject data) {
    String conversationId = data == null ? null : text(data.getValue("conversation_id"));
    String callSid = null;
    if (data != null
        && data.getValue("conversation_initiation_client_data") instanceof JsonObject client
        && client.getValue("dynamic_variables") instanceof JsonObject vars) {
      callSid = text(vars.getValue("callstream_call_sid"));
    }
    return new PostCallEvent(type, eventTimestamp, data, conversationId, callSid);
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isBlank() ? s : null;
  }
}
