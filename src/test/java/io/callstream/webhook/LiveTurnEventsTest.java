package io.callstream.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.LiveTurn;
import io.callstream.call.LiveTurnResult;
import io.callstream.call.TranscriptRepository.StoredTurn;
import io.callstream.events.CallEvents;
import io.callstream.events.EventBatch;
import io.callstream.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one committed live-turn statement publishes: with EVENT_BUS_BATCHES one message on the batch
 * address holding every new turn's events in commit order, without it one message each on the
 * single-event address older nodes read; duplicates and refusals publish nothing.
 */
class LiveTurnEventsTest {
  static Vertx vertx;
  static final Instant AT = Instant.parse("2026-12-02T05:00:00Z");

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
  }

  /**
   * A statement of four turns: the call's first (it starts it), a second, a duplicate, a refusal.
   */
  private static List<LiveTurn> requests() {
    return List.of(
        LiveTurn.of("CA1", "conv1", "agent", "hello", AT),
        LiveTurn.of("CA1", "conv1", "user", "hi 🚚", AT.plusSeconds(1)),
        LiveTurn.of("CA1", "conv1", "agent", "hello", AT),
        LiveTurn.of("CA-unknown", null, "agent", "anyone?", AT));
  }

  private static List<LiveTurnResult> results() {
    return List.of(
        new LiveTurnResult.Stored(new StoredTurn(101, 7, 1, AT, "CA1", "conv1", true, true)),
        new LiveTurnResult.Stored(
            new StoredTurn(102, 7, 2, AT.plusSeconds(1), "CA1", "conv1", false, true)),
        new LiveTurnResult.Stored(new StoredTurn(101, 7, 1, AT, "CA1", "conv1", false, false)),
        new LiveTurnResult.UnknownCall());
  }

  @Test
  void withBatchesOneStatementIsOneMessageInCommitOrder() {
    List<Object> batches = new CopyOnWriteArrayList<>();
    List<String> singles = new CopyOnWriteArrayList<>();
    var b = vertx.eventBus().consumer(CallEvents.BATCH_ADDRESS, m -> batches.add(m.body()));
    var s = vertx.eventBus().<String>consumer(CallEvents.ADDRESS, m -> singles.add(m.body()));
    Await.result(b.completion());
    Await.result(s.completion());
    try {
      new LiveTurnEvents(vertx.eventBus(), true).accept(requests(), results());
      Await.until("one batch arrived", () -> batches.size() == 1);
      EventBatch batch = (EventBatch) batches.get(0);
      assertEquals(
          List.of("call_status", "transcription", "transcription"),
          batch.events().stream().map(CallEvents.Received::type).toList());
      assertEquals(
          List.of(0, 1, 2),
          batch.events().stream().map(CallEvents.Received::sequenceNumber).toList());
      JsonObject second = new JsonObject(batch.events().get(2).frame());
      assertEquals("hi 🚚", second.getString("message_text"), second.encode());
      assertEquals(102, second.getLong("transcription_id"), second.encode());
      assertTrue(singles.isEmpty(), "nothing on the single-event address: " + singles);
    } finally {
      Await.result(b.unregister());
      Await.result(s.unregister());
    }
  }

  @Test
  void withoutBatchesEachEventIsItsOwnMessageOnTheAddressOlderNodesRead() {
    List<CallEvents.Received> singles = new CopyOnWriteArrayList<>();
    List<Object> batches = new CopyOnWriteArrayList<>();
    var b = vertx.eventBus().consumer(CallEvents.BATCH_ADDRESS, m -> batches.add(m.body()));
    var s =
        vertx
            .eventBus()
            .<String>consumer(CallEvents.ADDRESS, m -> singles.add(CallEvents.decode(m)));
    Await.result(b.completion());
    Await.result(s.completion());
    try {
      new LiveTurnEvents(vertx.eventBus(), false).accept(requests(), results());
      Await.until("three events arrived", () -> singles.size() == 3);
      assertEquals(
          List.of("call_status", "transcription", "transcription"),
          singles.stream().map(CallEvents.Received::type).toList());
      assertEquals(List.of(7L, 7L, 7L), singles.stream().map(CallEvents.Received::callId).toList());
      assertTrue(batches.isEmpty(), "nothing on the batch address");
    } finally {
      Await.result(b.unregister());
      Await.result(s.unregister());
    }
  }

  @Test
  void aStatementWithNothingNewPublishesNothing() {
    List<Object> batches = new CopyOnWriteArrayList<>();
    var b = vertx.eventBus().consumer(CallEvents.BATCH_ADDRESS, m -> batches.add(m.body()));
    Await.result(b.completion());
    try {
      new LiveTurnEvents(vertx.eventBus(), true)
          .accept(requests().subList(2, 4), results().subList(2, 4));
      // a marker batch after it: when the marker arrives, anything published before it has too
      new LiveTurnEvents(vertx.eventBus(), true)
          .accept(requests().subList(0, 1), results().subList(0, 1));
      Await.until("the marker batch arrived", () -> !batches.isEmpty());
      assertEquals(1, batches.size(), "only the marker: " + batches);
    } finally {
      Await.result(b.unregister());
    }
  }
}
