package io.callstream.live;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * One client frame, parsed and validated (docs/websocket-api.md). Nothing of it is kept after it is
 * handled.
 */
sealed interface ClientMessage {
  int MAX_CHARS = 4096;
  Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_.:+\\-]{1,128}");

  record Subscribe(String identifier, Integer since) implements ClientMessage {}

  record Unsubscribe(String identifier) implements ClientMessage {}

  record Auth(String token) implements ClientMessage {}

  /** {@code {"watch": "calls"}}: the fleet feed. */
  record Watch() implements ClientMessage {}

  /** {@code {"unwatch": "calls"}}. */
  record Unwatch() implements ClientMessage {}

  /** A refused message: the error frame to answer with. */
  record Invalid(String code, String message, String identifier) implements ClientMessage {}

  static ClientMessage parse(String text) {
    if (text.length() > MAX_CHARS) {
      return invalid("message larger than " + MAX_CHARS + " bytes");
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return invalid("not a JSON object");
    }
    int actions =
        (json.containsKey("subscribe") ? 1 : 0)
            + (json.containsKey("unsubscribe") ? 1 : 0)
            + (json.containsKey("auth") ? 1 : 0)
            + (json.containsKey("watch") ? 1 : 0)
            + (json.containsKey("unwatch") ? 1 : 0);
    if (actions != 1) {
      return invalid("expected exactly one of subscribe, unsubscribe, auth, watch, unwatch");
    }
    if (json.containsKey("watch") || json.containsKey("unwatch")) {
      boolean watch = json.containsKey("watch");
      if (!"calls".equals(json.getValue(watch ? "watch" : "unwatch"))) {
        return invalid((watch ? "watch" : "unwatch") + " takes \"calls\" (the fleet feed)");
      }
      return watch ? new Watch() : new Unwatch();
    }
    if (json.containsKey("auth")) {
      return json.getValue("auth") instanceof String token && !token.isBlank()
          ? new Auth(token)
          : invalid("auth must be a JWT string");
    }
    String key = json.containsKey("subscribe") ? "subscribe" : "unsubscribe";
    Object value = json.getValue(key);
    if (!(value instanceof String identifier) || !IDENTIFIER.matcher(identifier).matches()) {
      return new Invalid(
          Frames.INVALID_IDENTIFIER,
          "a call identifier is a call_sid or a conversation_id",
          value instanceof String s && s.length() <= 128 ? s : null);
    }
    if (key.equals("unsubscribe")) {
      return new Unsubscribe(identifier);
    }
    Object since = json.getValue("since");
    if (since == null) {
      return new Subscribe(identifier, null);
    }
    if (!(since instanceof Integer || since instanceof Long)
        || ((Number) since).longValue() < 0
        || ((Number) since).longValue() > Integer.MAX_VALUE) {
      return new Invalid(
          Frames.INVALID_MESSAGE, "since must be a sequence number (an integer >= 0)", identifier);
    }
    return new Subscribe(identifier, ((Number) since).intValue());
  }

  private static Invalid invalid(String message) {
    return new Invalid(Frames.INVALID_MESSAGE, message, null);
  }
}
