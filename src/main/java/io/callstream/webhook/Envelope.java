package io.callstream.webhook;

import io.callstream.http.HttpError;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * A post-call webhook body {@code {type, event_timestamp, data}}, validated. {@code callSid} is the
 * {@code callstream_call_sid} dynamic variable callstream put into the call when it started it (may be null).
 */
public record Envelope(String type, Long eventTimestamp, JsonObject data, String conversationId, String callSid) {
  public static final String TRANSCRIPTION = "post_call_transcription";
  public static final String INITIATION_FAILURE = "call_initiation_failure";

  public boolean known() {
    return TRANSCRIPTION.equals(type) || INITIATION_FAILURE.equals(type);
  }

  /** 400 when the type is missing, or a known type lacks its data, timestamp or call identifiers. */
  public static Envelope parse(JsonObject body) {
    if (!(body.getValue("type") instanceof String type) || type.isBlank()) {
      throw HttpError.badRequest("type is required");
    }
    Long timestamp;
    try {
      timestamp = unixSeconds(body.getValue("event_timestamp"));
    } catch (HttpError e) {
      timestamp = null;
    }
    JsonObject data = body.getValue("data") instanceof JsonObject d ? d : null;
    Envelope envelope = fromData(type, timestamp, data);
    if (envelope.known()) {
      if (data == null) {
        throw HttpError.badRequest("data is required");
      }
      if (timestamp == null) {
        throw HttpError.badRequest("event_timestamp is required (unix seconds, integer or numeric string)");
      }
      if (envelope.conversationId() == null && envelope.callSid() == null) {
        throw HttpError.badRequest("data.conversation_id is required");
      }
    }
    return envelope;
  }

  /** The envelope of a conversation object applied without a webhook (backfill, or the inbox). */
  public static Envelope fromData(String type, Long eventTimestamp, JsonObject data) {
    String conversationId = data == null ? null : text(data.getValue("conversation_id"));
    String callSid = null;
    if (data != null && data.getValue("conversation_initiation_client_data") instanceof JsonObject client
        && client.getValue("dynamic_variables") instanceof JsonObject vars) {
      callSid = text(vars.getValue("callstream_call_sid"));
    }
    return new Envelope(type, eventTimestamp, data, conversationId, callSid);
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isBlank() ? s : null;
  }

  /** Unix seconds from an integer or a numeric string (fractions truncated); null stays null; else 400. */
  public static Long unixSeconds(Object value) {
    if (value == null) {
      return null;
    }
    try {
      BigDecimal n = new BigDecimal(value instanceof Number ? value.toString() : ((String) value).trim());
      if (n.signum() >= 0 && n.compareTo(BigDecimal.valueOf(253_402_300_799L)) <= 0) {
        return n.longValue();
      }
    } catch (NumberFormatException | ClassCastException e) {
      // fall through
    }
    throw HttpError.badRequest("event_timestamp must be unix seconds");
  }
}
