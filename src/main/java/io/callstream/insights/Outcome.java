package io.callstream.insights;

import io.callstream.call.Call;
import java.util.Locale;

/**
 * What became of a call, as the insights count it: from its status and its success verdict ({@code
 * call_successful}, else ElevenLabs' {@code analysis_data.call_successful}, as the attention list
 * reads it).
 */
public enum Outcome {
  /** Completed, and judged successful. */
  SUCCESSFUL,
  /** Completed, and judged not successful. */
  UNSUCCESSFUL,
  /** Completed without a verdict (no analysis, or ElevenLabs said "unknown"). */
  NO_VERDICT,
  /** Failed: unanswered, busy, or the dial failed. */
  FAILED,
  /** Not ended yet: initiated or in progress. */
  ACTIVE;

  /** The name in JSON answers: successful, unsuccessful, no_verdict, failed, active. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the call has ended (it counts in a success rate's denominator). */
  public boolean ended() {
    return this != ACTIVE;
  }

  public static Outcome of(String status, Boolean verdict) {
    if (Call.FAILED.equals(status)) {
      return FAILED;
    }
    if (!Call.COMPLETED.equals(status)) {
      return ACTIVE;
    }
    if (verdict == null) {
      return NO_VERDICT;
    }
    return verdict ? SUCCESSFUL : UNSUCCESSFUL;
  }
}
