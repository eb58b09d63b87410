package io.callstream.call;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A finished conversation as ElevenLabs returns it (GET conversation, and a
 * post_call_transcription's data).
 */
final class ConversationFixture {
  static final long START = 1_795_262_340L;
  static final int DURATION = 24;

  private ConversationFixture() {}

  static JsonObject conversation(String conversationId, String callstreamCallSid) {
    JsonObject vars =
        new JsonObject().put("driver_name", "Marco").put("violation_types", "speeding");
    if (callstreamCallSid != null) {
      vars.put("callstream_call_sid", callstreamCallSid);
    }
    return new JsonObject()
        .put("agent_id", "agent_test")
        .put("conversation_id", conversationId)
        .put("status", "done")
        .put(
            "transcript",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("role", "agent")
                        .put("message", "Hi Marco, about the speeding alert.")
                        .put("time_in_call_secs", 1))
                .add(
                    new JsonObject()
                        .put("role", "user")
                        .put("message", "The sign was hidden behind a tree.")
                        .put("time_in_call_secs", 9)))
        .put(
            "metadata",
            new JsonObject()
                .put("start_time_unix_secs", START)
                .put("call_duration_secs", DURATION)
                .put("cost", 310))
        .put(
            "analysis",
            new JsonObject()
                .put("call_successful", "success")
                .put("transcript_summary", "Driver explained the hidden sign."))
        .put(
            "conversation_initiation_client_data", new JsonObject().put("dynamic_variables", vars));
  }
}
