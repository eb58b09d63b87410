package io.callstream.webhook;

import io.callstream.http.HttpError;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/** One live transcript turn as posted to /webhooks/elevenlabs/transcription (contract §2), validated. */
public record LiveTurn(String callSid, String conversationId, String speaker, String message, Instant spokenAt) {

  /** Validates the posted JSON; 400 with a clear reason when a field is missing or wrong. */
  public static LiveTurn parse(JsonObject body) {
    String callSid = optionalText(body, "call_sid");
    String conversationId = optionalText(body, "conversation_id");
    if (callSid == null && conversationId == null) {
      throw HttpError.badRequest("call_sid or conversation_id is required");
    }
    Object speaker = body.getValue("speaker");
    if (!"agent".equals(speaker) && !"user".equals(speaker)) {
      throw HttpError.badRequest("speaker must be \"agent\" or \"user\"");
    }
    if (!(body.getValue("message") instanceof String message) || message.isEmpty()) {
      throw HttpError.badRequest("message is required (a non-empty string)");
    }
    return new LiveTurn(callSid, conversationId, (String) speaker, message, timestamp(body.getValue("timestamp")));
  }

  /** The turn's identity for redelivery: SHA-256 of (speaker, timestamp, message). */
  public String dedupeKey() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((speaker + "\n" + spokenAt + "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(message.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String optionalText(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw HttpError.badRequest(field + " must be a non-empty string");
    }
    return s;
  }

  /** ISO-8601 (with Z or an offset), or unix seconds as a JSON number or numeric string. */
  static Instant timestamp(Object value) {
    if (value == null) {
      throw HttpError.badRequest("timestamp is required (ISO-8601 or unix seconds)");
    }
    try {
      if (value instanceof Number n) {
        return seconds(new BigDecimal(n.toString()));
      }
      if (value instanceof String s) {
        String text = s.trim();
        if (text.matches("[0-9]+(\\.[0-9]+)?")) {
          return seconds(new BigDecimal(text));
        }
        return OffsetDateTime.parse(text).toInstant();
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      // fall through
    }
    throw HttpError.badRequest("timestamp must be ISO-8601 or unix seconds");
  }

  private static Instant seconds(BigDecimal seconds) {
    if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(253_402_300_799L)) > 0) {
      throw new ArithmeticException("out of range");
    }
    long whole = seconds.longValue();
    long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
    return Instant.ofEpochSecond(whole, nanos);
  }
}
