package io.callstream.call;

import io.callstream.call.CallRepository.Completion;
import io.callstream.call.TranscriptRepository.Turn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Reading the post-call {@code data} object into rows. */
final class PostCallData {
  private PostCallData() {}

  static Completion completion(PostCallEvent envelope) {
    JsonObject data = envelope.data();
    JsonObject analysis = data.getValue("analysis") instanceof JsonObject a ? a : null;
    JsonObject metadata = data.getValue("metadata") instanceof JsonObject m ? m : null;
    String summary =
        analysis != null && analysis.getValue("transcript_summary") instanceof String s ? s : null;
    Integer duration =
        metadata != null && metadata.getValue("call_duration_secs") instanceof Number n
            ? n.intValue()
            : null;
    Double cost =
        metadata != null && metadata.getValue("cost") instanceof Number n ? n.doubleValue() : null;
    Boolean successful = analysis == null ? null : successful(analysis.getValue("call_successful"));
    return new Completion(
        envelope.conversationId(),
        envelope.eventTimestamp(),
        summary,
        duration,
        cost,
        successful,
        analysis,
        metadata);
  }

  static Boolean successful(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    if ("success".equals(value)) {
      return true;
    }
    return "failure".equals(value) ? false : null;
  }

  /** Turns with a message, numbered 1..n; the dedupe key is the turn's index in the body. */
  static List<Turn> turns(JsonObject data) {
    if (!(data.getValue("transcript") instanceof JsonArray transcript)) {
      return List.of();
    }
    Long start =
        data.getValue("metadata") instanceof JsonObject m
                && m.getValue("start_time_unix_secs") instanceof Number n
            ? n.longValue()
            : null;
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < transcript.size(); i++) {
      if (!(transcript.getValue(i) instanceof JsonObject turn)
          || !(turn.getValue("message") instanceof String message)
          || !("agent".equals(turn.getValue("role")) || "user".equals(turn.getValue("role")))) {
        continue;
      }
      OffsetDateTime at = null;
      if (start != null && turn.getValue("time_in_call_secs") instanceof Number offset) {
        at =
            Instant.ofEpochMilli(Math.round((start + offset.doubleValue()) * 1000))
                .atOffset(ZoneOffset.UTC);
      }
      turns.add(new Turn(turns.size() + 1, turn.getString("role"), message, at, "post_call:" + i));
    }
    return turns;
  }
}
