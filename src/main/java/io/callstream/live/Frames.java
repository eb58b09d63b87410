package io.callstream.live;

import io.callstream.call.Call;
import io.callstream.call.Transcription;
import io.callstream.events.CallCompletedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The server's own frames (docs/websocket-api.md); event frames come ready-made from the bus. */
final class Frames {
  static final String CALL_NOT_FOUND = "CALL_NOT_FOUND";
  static final String INVALID_IDENTIFIER = "INVALID_IDENTIFIER";
  static final String INVALID_MESSAGE = "INVALID_MESSAGE";
  static final String TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS";
  static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";

  static final String UNWATCH_CONFIRMED =
      new JsonObject().put("type", "unwatch_confirmed").put("watch", "calls").encode();

  private Frames() {}

  /**
   * The fleet feed's confirmation, with the snapshot of active calls (call_data shape, newest
   * first).
   */
  static String watchConfirmed(List<Call> active) {
    return new JsonObject()
        .put("type", "watch_confirmed")
        .put("watch", "calls")
        .put("calls", new JsonArray(active.stream().map(Call::toJson).toList()))
        .encode();
  }

  static String confirmed(String identifier, Call call) {
    return new JsonObject()
        .put("type", "subscription_confirmed")
        .put("identifier", identifier)
        .put("call_sid", call.callSid())
        .put("conversation_id", call.conversationId())
        .put("status", call.status())
        .put("last_sequence_number", call.lastSequenceNumber())
        .encode();
  }

  static String unsubscribed(String identifier, String callSid) {
    return new JsonObject()
        .put("type", "unsubscribe_confirmed")
        .put("identifier", identifier)
        .put("call_sid", callSid)
        .encode();
  }

  static String error(String code, String message, String identifier) {
    JsonObject frame =
        new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (identifier != null) {
      frame.put("identifier", identifier);
    }
    return frame.encode();
  }

  static String turn(Transcription t, String callSid, String conversationId) {
    return t.toEvent(callSid, conversationId).toFrame().encode();
  }

  static String completed(Call call) {
    return new CallCompletedEvent(
            call.id(),
            call.callSid(),
            call.conversationId(),
            call.toJson(),
            call.lastSequenceNumber())
        .toFrame()
        .encode();
  }

  /**
   * An ended call's final call_status, as its publisher sent it (the one a call_completed must
   * follow).
   */
  static String finalStatus(Call call) {
    return call.endEvents().get(0).toFrame().encode();
  }
}
