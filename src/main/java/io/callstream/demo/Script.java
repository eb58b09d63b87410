package io.callstream.demo;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One simulated conversation, placeholders already filled in: who says what, and what ElevenLabs'
 * analysis would conclude from it. {@code outcome} is {@code acknowledged}, {@code question}
 * (asked, then acknowledged), {@code disputed} or {@code callback} (the driver could not talk); the
 * analysis follows from it.
 */
public record Script(
    String type, String outcome, String title, String summary, String reason, List<Turn> turns) {
  public static final String ACKNOWLEDGED = "acknowledged";
  public static final String QUESTION = "question";
  public static final String DISPUTED = "disputed";
  public static final String CALLBACK = "callback";
  public static final List<String> OUTCOMES = List.of(ACKNOWLEDGED, QUESTION, DISPUTED, CALLBACK);

  /** One turn: role {@code agent} or {@code user} (the driver), as in ElevenLabs' transcripts. */
  public record Turn(String role, String message) {}

  public boolean driverAcknowledged() {
    return ACKNOWLEDGED.equals(outcome) || QUESTION.equals(outcome);
  }

  /**
   * The agent's goal is to go over the violation with the driver; only a callback leaves that
   * undone.
   */
  public boolean successful() {
    return !CALLBACK.equals(outcome);
  }

  /** ElevenLabs' {@code analysis} object for this conversation. */
  public JsonObject analysis() {
    return new JsonObject()
        .put(
            "evaluation_criteria_results",
            new JsonObject()
                .put(
                    "violation_discussed",
                    criterion(
                        "violation_discussed",
                        successful(),
                        successful()
                            ? "The agent explained the recorded violation to the driver."
                            : "The driver could not talk; the violation was not discussed."))
                .put(
                    "driver_acknowledged",
                    criterion(
                        "driver_acknowledged",
                        driverAcknowledged(),
                        switch (outcome) {
                          case ACKNOWLEDGED -> "The driver acknowledged the violation.";
                          case QUESTION ->
                              "The driver asked questions, then acknowledged the violation.";
                          case DISPUTED ->
                              "The driver disputed the violation; the dispute was logged.";
                          default -> "The driver asked to be called back.";
                        })))
        .put(
            "data_collection_results",
            new JsonObject()
                .put(
                    "violation_type",
                    collected("violation_type", type, "The violation the call was about."))
                .put(
                    "driver_response",
                    collected("driver_response", outcome, "How the driver responded."))
                .put(
                    "driver_reason",
                    collected(
                        "driver_reason",
                        reason,
                        reason == null ? "The driver gave no reason." : "Stated by the driver.")))
        .put("call_successful", successful() ? "success" : "failure")
        .put("call_success_score", null)
        .put("transcript_summary", summary)
        .put("call_summary_title", title);
  }

  private static JsonObject criterion(String id, boolean success, String rationale) {
    return new JsonObject()
        .put("criteria_id", id)
        .put("result", success ? "success" : "failure")
        .put("rationale", rationale)
        .put("scoring_mode", "binary")
        .put("score", null)
        .put("max_score", null);
  }

  private static JsonObject collected(String id, String value, String rationale) {
    return new JsonObject()
        .put("data_collection_id", id)
        .put("name", id)
        .put("value", value)
        .put("json_schema", new JsonObject().put("type", "string"))
        .put("rationale", rationale);
  }
}
