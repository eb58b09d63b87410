package io.callstream.call;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One live transcript turn (docs/webhooks.md), as the webhook role parsed it and as {@link
 * LiveTurnWriter} stores it: the call is found by {@code callSid} or {@code conversationId} (either
 * may be null; the call_sid match wins when both match different calls); {@code dedupeKey}
 * identifies the turn for redelivery ({@link #of} computes it).
 */
public record LiveTurn(
    String callSid,
    String conversationId,
    String dedupeKey,
    String speaker,
    String message,
    Instant spokenAt) {
  public LiveTurn {
    Objects.requireNonNull(dedupeKey, "dedupeKey");
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(message, "message");
  }

  /** A turn whose identity for redelivery is the SHA-256 of (speaker, timestamp, message). */
  public static LiveTurn of(
      String callSid, String conversationId, String speaker, String message, Instant spokenAt) {
    return new LiveTurn(
        callSid, conversationId, dedupeKey(speaker, message, spokenAt), speaker, message, spokenAt);
  }

  static String dedupeKey(String speaker, String message, Instant spokenAt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((speaker + "\n" + spokenAt + "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
