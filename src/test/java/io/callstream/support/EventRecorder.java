package io.callstream.support;

import io.callstream.app.Node;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Records every event published on {@link CallEvents#ADDRESS} and {@link CallEvents#BATCH_ADDRESS}
 * as one node's event bus delivers it, decoded the way the live role decodes it. Markers it
 * publishes itself (negative call ids, call_sid "marker") let a test wait for a point in the
 * stream: see {@link #settle} and {@link #awaitVisibleFrom}.
 */
public final class EventRecorder implements AutoCloseable {
  private static final AtomicLong MARKERS = new AtomicLong();
  private static final String MARKER_SID = "marker";

  private final List<CallEvents.Received> events = new CopyOnWriteArrayList<>();
  private final CallEvents.Consumers consumer;

  private EventRecorder(Node node) {
    consumer =
        CallEvents.consume(
            node.vertx().eventBus(),
            events::add,
            reason -> {
              throw new IllegalArgumentException(reason);
            });
    Await.result(consumer.completion());
  }

  /** Starts recording what this node's event bus delivers. */
  public static EventRecorder on(Node node) {
    return new EventRecorder(node);
  }

  /** The events of one call (by calls.id), in arrival order. */
  public List<CallEvents.Received> of(long callId) {
    return events.stream().filter(e -> e.callId() == callId).toList();
  }

  /** The frame types of one call's events, in arrival order. */
  public List<String> types(long callId) {
    return of(callId).stream().map(CallEvents.Received::type).toList();
  }

  /**
   * The frames of the events that name this call_sid, in arrival order (for tests that know no row
   * id).
   */
  public List<JsonObject> frames(String callSid) {
    return events.stream()
        .map(e -> new JsonObject(e.frame()))
        .filter(f -> callSid.equals(f.getString("call_sid")))
        .toList();
  }

  /**
   * Waits until at least {@code count} events of the call have arrived; returns the call's events.
   */
  public List<CallEvents.Received> awaitCount(long callId, int count) {
    Await.until(
        count + " events of call " + callId + " arrived (so far: " + types(callId) + ")",
        () -> of(callId).size() >= count);
    return of(callId);
  }

  /** Waits for the first frame that matches; fails naming what was recorded instead. */
  public JsonObject awaitFrame(String description, Predicate<JsonObject> match) {
    if (!Await.within(Await.TIMEOUT, () -> firstFrame(match) != null)) {
      throw new AssertionError(
          "no event "
              + description
              + "; recorded: "
              + events.stream().map(CallEvents.Received::frame).toList());
    }
    return firstFrame(match);
  }

  private JsonObject firstFrame(Predicate<JsonObject> match) {
    return events.stream()
        .map(e -> new JsonObject(e.frame()))
        .filter(match)
        .findFirst()
        .orElse(null);
  }

  /**
   * Waits until every event these nodes published so far has arrived here: each publishes a marker
   * after everything it published before (one connection per sender keeps the order), and the
   * markers are awaited. For checks that something was published once and nothing more.
   */
  public void settle(Node... publishers) {
    long marker = -1_000_000 - MARKERS.incrementAndGet() * 100L;
    for (int i = 0; i < publishers.length; i++) {
      publishMarker(publishers[i], marker - i);
    }
    for (int i = 0; i < publishers.length; i++) {
      awaitCount(marker - i, 1);
    }
  }

  /**
   * Waits until this recorder's consumers (both addresses) are known on another node: markers
   * published there arrive here.
   */
  public void awaitVisibleFrom(Node other) {
    Await.until(
        "the event recorder became visible across the cluster",
        () -> {
          long marker = -2_000_000 - MARKERS.incrementAndGet() * 2;
          publishMarker(other, marker);
          // the batch address's consumer too: the webhook nodes publish stored turns there
          CallEvents.publishBatch(
              other.vertx().eventBus(),
              List.of(new CallStatusEvent(marker - 1, MARKER_SID, null, "marker", Instant.now())));
          return Await.within(
              Duration.ofMillis(500), () -> !of(marker).isEmpty() && !of(marker - 1).isEmpty());
        });
  }

  private static void publishMarker(Node node, long callId) {
    CallEvents.publish(
        node.vertx().eventBus(),
        new CallStatusEvent(callId, MARKER_SID, null, "marker", Instant.now()));
  }

  @Override
  public void close() {
    Await.result(consumer.unregister());
  }
}
