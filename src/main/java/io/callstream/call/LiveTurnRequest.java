package io.callstream.call;

import java.time.Instant;
import java.util.Objects;

/**
 * One live turn to store: the call is found by {@code callSid} or {@code conversationId} (either may be null; the
 * call_sid match wins when both match different calls); {@code dedupeKey} identifies the turn for redelivery.
 */
public record LiveTurnRequest(String callSid, String conversationId, String dedupeKey, String speaker,
                              String message, Instant spokenAt) {
  public LiveTurnRequest {
    Objects.requireNonNull(dedupeKey, "dedupeKey");
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(message, "message");
  }
}
