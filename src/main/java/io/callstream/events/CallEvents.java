package io.callstream.events;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.function.Supplier;

/**
 * The event-bus contract, in one place. Every stored change is published to {@link #ADDRESS}
 * (cluster-wide); the body is the frame's JSON text, ready for dashboards, and three headers (call
 * id, kind, sequence number) let a receiver route and order it without parsing the body.
 * Publishers: the webhook role, the calls API (starts, handled marks). Consumers: every live-role
 * instance on every node, which decode each message once into a {@link Received}.
 */
public final class CallEvents {
  /** Publish/subscribe address of all call events, on every node of the cluster. */
  public static final String ADDRESS = "callstream.calls.events";

  static final String CALL_ID = "call_id";
  static final String KIND = "kind";
  static final String SEQ = "seq";

  /** What a receiver must know about an event to route and order it. */
  public enum Kind {
    /** A transcript turn: delivered in sequence order. */
    TRANSCRIPTION,
    /** A call_status that does not end the call (in_progress). */
    STATUS,
    /** The call_status that ends the call (completed, failed): it must precede call_completed. */
    FINAL_STATUS,
    /** call_completed: after every turn up to its sequence number, and after the final status. */
    COMPLETED,
    /** call_started: a new call, for the fleet feed only. */
    STARTED,
    /** call_handled: a call left the attention list, for the fleet feed only. */
    HANDLED
  }

  private static final Kind[] KINDS = Kind.values();

  private CallEvents() {}

  public static void publish(EventBus bus, CallEvent event) {
    DeliveryOptions options =
        new DeliveryOptions()
            .addHeader(CALL_ID, Long.toString(event.callId()))
            .addHeader(KIND, Integer.toString(event.kind().ordinal()))
            .addHeader(SEQ, Integer.toString(event.sequenceNumber()));
    bus.publish(ADDRESS, event.toFrame().encode(), options);
  }

  /** Publishes in order: for one call, call_status before call_completed. */
  public static void publishAll(EventBus bus, List<? extends CallEvent> events) {
    events.forEach(e -> publish(bus, e));
  }

  /**
   * The receiving side's one view of a published event. Throws IllegalArgumentException for a
   * foreign message.
   */
  public static Received decode(Message<String> message) {
    try {
      int kind = Integer.parseInt(message.headers().get(KIND));
      // the body is not decoded here: an instance with no subscriber for the call never reads it
      return new Received(
          Long.parseLong(message.headers().get(CALL_ID)),
          KINDS[kind],
          Integer.parseInt(message.headers().get(SEQ)),
          message::body);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a call event: " + e.getMessage());
    }
  }

  /**
   * A received event: routing facts from the headers, and the ready-made frame text, decoded on
   * first use (Vert.x keeps the decoded body). {@code sequenceNumber} is the sequence number of a
   * transcription, the call's last sequence number for call_completed, 0 for call_status.
   */
  public record Received(long callId, Kind kind, int sequenceNumber, Supplier<String> body) {
    /** An event made here rather than received (its frame is already text). */
    public static Received of(long callId, Kind kind, int sequenceNumber, String frame) {
      return new Received(callId, kind, sequenceNumber, () -> frame);
    }

    /** The frame's JSON text, exactly as dashboards receive it. */
    public String frame() {
      return body.get();
    }

    /** The frame's {@code type}. */
    public String type() {
      return switch (kind) {
        case TRANSCRIPTION -> TranscriptionEvent.TYPE;
        case STATUS, FINAL_STATUS -> CallStatusEvent.TYPE;
        case COMPLETED -> CallCompletedEvent.TYPE;
        case STARTED -> CallStartedEvent.TYPE;
        case HANDLED -> CallHandledEvent.TYPE;
      };
    }
  }
}
