package io.callstream.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One conversation the simulator dialled, as ElevenLabs keeps it: what was asked for, what has been
 * said so far and how it ended. {@link #data()} is the shape of both {@code GET
 * /v1/convai/conversations/{id}} and a post_call_transcription's {@code data}. Synchronized: the
 * player writes while the API reads.
 */
public final class SimulatedCall {
  /** The simulated agent's own Twilio number (fictitious). */
  static final String AGENT_NUMBER = "+15550100000";

  /** ElevenLabs credits per second of call, roughly what the fixture's call cost. */
  static final int CREDITS_PER_SECOND = 8;

  /** What the outbound-call request asked for. */
  public record Dial(
      String conversationId,
      String callSid,
      String agentId,
      String phoneNumberId,
      String toNumber,
      Map<String, Object> dynamicVariables) {}

  /** A turn as said: role, text, and seconds since the call was answered. */
  public record PlayedTurn(String role, String message, long timeInCallSecs, Instant at) {}

  private final Dial dial;
  private final Instant dialledAt;
  private final List<PlayedTurn> turns = new ArrayList<>();
  private String status = "initiated";
  private Instant answeredAt;
  private Instant endedAt;
  private Script script;
  private String failureReason;

  SimulatedCall(Dial dial, Instant dialledAt) {
    this.dial = dial;
    this.dialledAt = dialledAt;
  }

  public Dial dial() {
    return dial;
  }

  public synchronized String status() {
    return status;
  }

  synchronized void answered(Script script, Instant at) {
    this.script = script;
    this.answeredAt = at;
    this.status = "in-progress";
  }

  synchronized PlayedTurn say(Script.Turn turn, Instant at) {
    PlayedTurn played =
        new PlayedTurn(
            turn.role(), turn.message(), at.getEpochSecond() - answeredAt.getEpochSecond(), at);
    turns.add(played);
    return played;
  }

  /** The call has ended; ElevenLabs analyses it before reporting it done. */
  synchronized void hungUp(Instant at) {
    endedAt = at;
    status = "processing";
  }

  synchronized void analysed() {
    status = "done";
  }

  synchronized void failed(String reason, Instant at) {
    failureReason = reason;
    endedAt = at;
    status = "failed";
  }

  /**
   * The live-turn webhook body of callstream's live-turn webhook (docs/webhooks.md) for one played
   * turn.
   */
  JsonObject liveTurn(PlayedTurn turn) {
    JsonObject body = new JsonObject();
    if (dial.dynamicVariables().get("callstream_call_sid") instanceof String callSid) {
      body.put("call_sid", callSid);
    }
    return body.put("conversation_id", dial.conversationId())
        .put("speaker", turn.role())
        .put("message", turn.message())
        .put(
            "timestamp",
            DateTimeFormatter.ISO_INSTANT.format(turn.at().truncatedTo(ChronoUnit.MILLIS)));
  }

  /** The conversation in ElevenLabs' shape (GET conversation, post_call_transcription data). */
  public synchronized JsonObject data() {
    JsonArray transcript = new JsonArray();
    for (PlayedTurn t : turns) {
      transcript.add(
          new JsonObject()
              .put("role", t.role())
              .put("message", t.message())
              .put("tool_calls", new JsonArray())
              .put("tool_results", new JsonArray())
              .put("feedback", null)
              .put("time_in_call_secs", t.timeInCallSecs())
              .put("interrupted", false)
              .put("source_medium", "user".equals(t.role()) ? "audio" : null));
    }
    JsonObject variables =
        new JsonObject(new LinkedHashMap<>(dial.dynamicVariables()))
            .put("system__call_sid", dial.callSid())
            .put("system__conversation_id", dial.conversationId())
            .put("system__called_number", dial.toNumber());
    return new JsonObject()
        .put("agent_id", dial.agentId())
        .put("agent_name", "Fleet safety assistant (simulated)")
        .put("conversation_id", dial.conversationId())
        .put("status", status)
        .put("user_id", null)
        .put("transcript", transcript)
        .put("metadata", metadata())
        .put("analysis", "done".equals(status) ? script.analysis() : null)
        .put(
            "conversation_initiation_client_data",
            new JsonObject()
                .put("conversation_config_override", new JsonObject())
                .put("source_info", new JsonObject().put("source", "twilio").put("version", null))
                .put("dynamic_variables", variables))
        .put("has_audio", false)
        .put("has_user_audio", false)
        .put("has_response_audio", false);
  }

  private JsonObject metadata() {
    Instant start = answeredAt != null ? answeredAt : dialledAt;
    long duration =
        answeredAt == null
            ? 0
            : Math.max(
                1,
                (endedAt != null ? endedAt : Instant.now()).getEpochSecond()
                    - answeredAt.getEpochSecond());
    long cost = duration * CREDITS_PER_SECOND + (script == null ? 0 : script.turns().size() * 3L);
    return new JsonObject()
        .put("start_time_unix_secs", start.getEpochSecond())
        .put("accepted_time_unix_secs", start.getEpochSecond())
        .put("call_duration_secs", duration)
        .put("cost", cost)
        .put("cost_fiat", Math.round(cost * 0.22) / 1000.0)
        .put(
            "phone_call",
            new JsonObject()
                .put("type", "twilio")
                .put("direction", "outbound")
                .put("phone_number_id", dial.phoneNumberId())
                .put("agent_number", AGENT_NUMBER)
                .put("external_number", dial.toNumber())
                .put(
                    "call_result",
                    failureReason != null ? failureReason : answeredAt != null ? "answered" : null)
                .put("call_sid", dial.callSid()))
        .put(
            "termination_reason",
            failureReason != null
                ? "Call not answered: " + failureReason
                : "done".equals(status) || "processing".equals(status)
                    ? "Call ended by remote party"
                    : null)
        .put("error", null)
        .put("warnings", new JsonArray())
        .put("main_language", "en")
        .put("text_only", false)
        .put("conversation_initiation_source", "twilio");
  }

  /**
   * A call_initiation_failure's data, with the Twilio status callback as the provider body (all
   * strings).
   */
  synchronized JsonObject failureData() {
    String sipCode = "busy".equals(failureReason) ? "486" : "487";
    JsonObject twilio =
        new JsonObject()
            .put("AccountSid", "AC00000000000000000000000000000000")
            .put("ApiVersion", "2010-04-01")
            .put("CallSid", dial.callSid())
            .put("CallStatus", failureReason)
            .put("CallbackSource", "call-progress-events")
            .put("Direction", "outbound-api")
            .put("Duration", "0")
            .put("CallDuration", "0")
            .put("From", AGENT_NUMBER)
            .put("Caller", AGENT_NUMBER)
            .put("To", dial.toNumber())
            .put("Called", dial.toNumber())
            .put("SequenceNumber", "2")
            .put("SipResponseCode", sipCode)
            .put(
                "Timestamp",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(endedAt.atOffset(ZoneOffset.UTC)))
            .put("FromCountry", "US")
            .put("ToCountry", "US");
    return new JsonObject()
        .put("agent_id", dial.agentId())
        .put("conversation_id", dial.conversationId())
        .put("failure_reason", failureReason)
        .put("metadata", new JsonObject().put("type", "twilio").put("body", twilio));
  }
}
