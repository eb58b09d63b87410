package io.callstream.webhook;

import io.callstream.call.PostCallEvent;
import io.callstream.failure.Failure;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * Reading a post-call webhook body {@code {type, event_timestamp, data}} into a validated {@link
 * PostCallEvent}.
 */
final class PostCallBody {
  private PostCallBody() {}

  /**
   * INVALID when the type is missing, or a known type lacks its data, timestamp or call
   * identifiers.
   */
  static PostCallEvent parse(JsonObject body) {
    if (!(body.getValue("type") instanceof String type) || type.isBlank()) {
      throw Failure.invalid("type is required");
    }
    Long timestamp;
    try {
      timestamp = unixSeconds(body.getValue("event_timestamp"));
    } catch (Failure e) {
      timestamp = null;
    }
    JsonObject data = body.getValue("data") instanceof JsonObject d ? d : null;
    PostCallEvent event = PostCallEvent.of(type, timestamp, data);
    if (event.known()) {
      if (data == null) {
        throw Failure.invalid("data is required");
      }
      if (timestamp == null) {
        throw Failure.invalid(
            "event_timestamp is required (unix seconds, integer or numeric string)");
      }
      if (event.conversationId() == null && event.callSid() == null) {
        throw Failure.invalid("data.conversation_id is required");
      }
    }
    return event;
  }

  /**
   * Unix seconds from an integer or a numeric string (fractions truncated); null stays null; else
   * INVALID.
   */
  static Long unixSeconds(Object value) {
    if (value == null) {
      return null;
    }
    try {
      BigDecimal n =
          new BigDecimal(value instanceof Number ? value.toString() : ((String) value).trim());
      if (n.signum() >= 0 && n.compareTo(BigDecimal.valueOf(253_402_300_799L)) <= 0) {
        return n.longValue();
      }
    } catch (NumberFormatException | ClassCastException e) {
      // fall through
    }
    throw Failure.invalid("event_timestamp must be unix seconds");
  }
}
