package io.callstream.webhook;

import io.callstream.call.LiveTurn;
import io.callstream.failure.Failure;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/**
 * The body posted to /webhooks/elevenlabs/transcription (docs/webhooks.md), validated into a {@link
 * LiveTurn}.
 */
final class LiveTurnBody {
  private static final Pattern UNIX_SECONDS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

  private LiveTurnBody() {}

  /** Validates the posted JSON; 400 with a clear reason when a field is missing or wrong. */
  static LiveTurn parse(JsonObject body) {
    String callSid = optionalText(body, "call_sid");
    String conversationId = optionalText(body, "conversation_id");
    if (callSid == null && conversationId == null) {
      throw Failure.invalid("call_sid or conversation_id is required");
    }
    Object speaker = body.getValue("speaker");
    if (!"agent".equals(speaker) && !"user".equals(speaker)) {
      throw Failure.invalid("speaker must be \"agent\" or \"user\"");
    }
    if (!(body.getValue("message") instanceof String message) || message.isEmpty()) {
      throw Failure.invalid("message is required (a non-empty string)");
    }
    return LiveTurn.of(
        callSid, conversationId, (String) speaker, message, timestamp(body.getValue("timestamp")));
  }

  private static String optionalText(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw Failure.invalid(field + " must be a non-empty string");
    }
    return s;
  }

  /** ISO-8601 (with Z or an offset), or unix seconds as a JSON number or numeric string. */
  static Instant timestamp(Object value) {
    if (value == null) {
      throw Failure.invalid("timestamp is required (ISO-8601 or unix seconds)");
    }
    try {
      if (value instanceof Number n) {
        return seconds(new BigDecimal(n.toString()));
      }
      if (value instanceof String s) {
        String text = s.trim();
        if (UNIX_SECONDS.matcher(text).matches()) {
          return seconds(new BigDecimal(text));
        }
        Instant utc = utcSeconds(text);
        return utc != null ? utc : OffsetDateTime.parse(text).toInstant();
      }
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      // fall through
    }
    throw Failure.invalid("timestamp must be ISO-8601 or unix seconds");
  }

  /**
   * Fast path for the common form {@code yyyy-MM-ddTHH:mm:ssZ} (the general ISO parser is a hot
   * spot of the ingest benchmark); null for anything else, which the general parser then handles.
   */
  static Instant utcSeconds(String t) {
    if (t.length() != 20
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || t.charAt(10) != 'T'
        || t.charAt(13) != ':'
        || t.charAt(16) != ':'
        || t.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 7);
    int day = digits(t, 8, 10);
    int hour = digits(t, 11, 13);
    int minute = digits(t, 14, 16);
    int second = digits(t, 17, 19);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    // LocalDateTime.of validates the ranges (month 13, February 30, hour 24 ... throw
    // DateTimeException)
    return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
  }

  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
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
