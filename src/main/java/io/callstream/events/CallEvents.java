package io.callstream.events;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.List;

/**
 * The event-bus contract, in one place. Every stored change is published to {@link #ADDRESS} (cluster-wide);
 * the body is the frame's JSON text, and three headers let a receiver route and order it without parsing.
 * The webhook role (and the calls API) publish; every live-role instance on every node consumes.
 */
public final class CallEvents {
  /** Publish/subscribe address of all call events, on every node of the cluster. */
  public static final String ADDRESS = "callstream.calls.events";

  static final String CALL_ID = "call_id";
  static final String TYPE = "type";
  static final String SEQ = "seq";

  private CallEvents() {}

  public static void publish(EventBus bus, CallEvent event) {
    DeliveryOptions options = new DeliveryOptions()
        .addHeader(CALL_ID, Long.toString(event.callId()))
        .addHeader(TYPE, event.type())
        .addHeader(SEQ, Integer.toString(event.sequenceNumber()));
    bus.publish(ADDRESS, event.toFrame().encode(), options);
  }

  /** Publishes in order: for one call, call_status before call_completed. */
  public static void publishAll(EventBus bus, List<? extends CallEvent> events) {
    events.forEach(e -> publish(bus, e));
  }

  /** The receiving side's view of a published event. Throws IllegalArgumentException for a foreign message. */
  public static Received decode(Message<String> message) {
    try {
      return new Received(Long.parseLong(message.headers().get(CALL_ID)), message.headers().get(TYPE),
          Integer.parseInt(message.headers().get(SEQ)), message.body());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a call event: " + e.getMessage());
    }
  }

  /** A received event: routing facts plus the ready-made frame text. */
  public record Received(long callId, String type, int sequenceNumber, String frame) {
    public boolean isTranscription() {
      return TranscriptionEvent.TYPE.equals(type);
    }

    public boolean isCompletion() {
      return CallCompletedEvent.TYPE.equals(type);
    }
  }
}
