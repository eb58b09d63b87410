package io.callstream.events;

import io.vertx.core.json.JsonObject;

/**
 * An event about one call, published cluster-wide after its change committed. Its {@link
 * #toFrame()} is exactly the WebSocket frame dashboards receive (docs/websocket-api.md), so a frame
 * is serialised once, by the publisher.
 */
public sealed interface CallEvent
    permits TranscriptionEvent,
        CallStatusEvent,
        CallCompletedEvent,
        CallStartedEvent,
        CallHandledEvent {

  /** The internal calls.id: how every node routes the event to its local subscriptions. */
  long callId();

  String callSid();

  String conversationId();

  /** The frame's {@code type}. */
  String type();

  /** How receivers route and order it (see {@link CallEvents.Kind}). */
  CallEvents.Kind kind();

  /**
   * For a transcription, its sequence number; for call_completed, the call's last sequence number
   * (every turn a subscriber is owed before the completion); for call_status, call_started and
   * call_handled, 0.
   */
  default int sequenceNumber() {
    return 0;
  }

  JsonObject toFrame();

  /** What every frame starts with: its type and the call's two identifiers. */
  default JsonObject frameHead() {
    return new JsonObject()
        .put("type", type())
        .put("call_sid", callSid())
        .put("conversation_id", conversationId());
  }
}
