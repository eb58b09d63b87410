package io.callstream.events;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The event-bus contract, in one place. Every stored change is published to {@link #ADDRESS}
 * (cluster-wide); the body is the frame's JSON text, ready for dashboards, and three headers (call
 * id, kind, sequence number) let a receiver route and order it without parsing the body.
 * Publishers: the webhook role, the calls API (starts, handled marks). Consumers: every live-role
 * instance on every node, which decode each message once into a {@link Received}.
 *
 * <p>The turns one live-turn statement committed go as one {@link EventBatch} message on {@link
 * #BATCH_ADDRESS} instead (EVENT_BUS_BATCHES, default on). Per-call order does not depend on it:
 * receivers order a call's turns by sequence number whatever their address and node (turns of one
 * call may be written by any node), and a call_completed waits for every turn it counts. {@link
 * #consume} listens on both addresses, so a node reads what older and newer nodes publish.
 */
public final class CallEvents {
  /** Publish/subscribe address of all call events, on every node of the cluster. */
  public static final String ADDRESS = "callstream.calls.events";

  /**
   * Publish/subscribe address of event batches ({@link EventBatch}, its own codec): nodes older
   * than it do not listen here, hence EVENT_BUS_BATCHES=false while such nodes are in the cluster.
   */
  public static final String BATCH_ADDRESS = "callstream.calls.events.batch";

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
   * Publishes these events as one message on {@link #BATCH_ADDRESS}, in this order (nothing for an
   * empty list). The bus must have the codec ({@link #registerCodec}).
   */
  public static void publishBatch(EventBus bus, List<? extends CallEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    List<Received> batch = new ArrayList<>(events.size());
    for (CallEvent e : events) {
      batch.add(Received.of(e.callId(), e.kind(), e.sequenceNumber(), e.toFrame().encode()));
    }
    bus.publish(BATCH_ADDRESS, new EventBatch(batch));
  }

  /**
   * Registers {@link EventBatch}'s codec on this bus unless it is there already. Once per user at
   * start-up ({@link #consume}, the webhook role's publisher), never per publish: a second
   * registration costs an exception.
   */
  public static void registerCodec(EventBus bus) {
    try {
      bus.registerDefaultCodec(EventBatch.class, new EventBatch.Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier user on this node
    }
  }

  /**
   * Consumes every call event this node's bus delivers, single or batched, one {@link Received} at
   * a time on the caller's context; a message that is no call event goes to {@code malformed} with
   * the reason.
   */
  public static Consumers consume(
      EventBus bus, Consumer<Received> handler, Consumer<String> malformed) {
    registerCodec(bus);
    MessageConsumer<String> single =
        bus.consumer(
            ADDRESS,
            m -> {
              Received event;
              try {
                event = decode(m);
              } catch (IllegalArgumentException e) {
                malformed.accept(e.getMessage());
                return;
              }
              handler.accept(event);
            });
    MessageConsumer<Object> batches =
        bus.consumer(
            BATCH_ADDRESS,
            m -> {
              if (m.body() instanceof EventBatch batch) {
                batch.events().forEach(handler);
              } else {
                malformed.accept("not an event batch: " + m.body());
              }
            });
    return new Consumers(single, batches);
  }

  /** The two consumers {@link #consume} registered. */
  public record Consumers(MessageConsumer<String> single, MessageConsumer<Object> batches) {
    /** Completes when both are registered cluster-wide. */
    public Future<Void> completion() {
      return Future.all(single.completion(), batches.completion()).mapEmpty();
    }

    public Future<Void> unregister() {
      return Future.all(single.unregister(), batches.unregister()).mapEmpty();
    }
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
