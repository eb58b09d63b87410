package io.callstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.events.CallEvent;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.events.TranscriptionEvent;
import io.callstream.support.Await;
import io.callstream.support.EventRecorder;
import io.callstream.support.Http;
import io.callstream.support.TwoNodeCluster;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two clustered nodes in one JVM see each other: both ready, and a publish on one reaches the
 * other.
 */
@ExtendWith(VertxExtension.class)
class ClusterTest {
  static TwoNodeCluster cluster;

  @BeforeAll
  static void setUp() {
    cluster = TwoNodeCluster.start("cluster", Map.of("HTTP_INSTANCES", "1"));
  }

  @AfterAll
  static void tearDown() {
    cluster.close();
  }

  @Test
  void twoNodesFormAClusterAndShareTheEventBus(Vertx vertx, VertxTestContext ctx) throws Exception {
    Node a = cluster.a;
    Node b = cluster.b;
    WebClient client = Http.client(vertx);
    for (Node n : cluster.nodes()) {
      var ready = Await.result(client.get(n.port(), "127.0.0.1", "/ready").send());
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      assertEquals(true, ready.bodyAsJsonObject().getBoolean("clustered"));
    }
    String address = "test.cluster.ping";
    // the consumer on B must be known cluster-wide before A publishes: B answers A's requests once
    // it is
    Await.result(
        b.vertx()
            .eventBus()
            .<String>consumer(
                address,
                m -> {
                  if (m.replyAddress() != null) {
                    m.reply("pong");
                  } else {
                    ctx.verify(() -> assertEquals("hello from A", m.body()));
                    ctx.completeNow();
                  }
                })
            .completion());
    TwoNodeCluster.awaitRoute(a, b, (from, to) -> answers(from, address));
    a.vertx().eventBus().publish(address, "hello from A");
    ctx.awaitCompletion(20, TimeUnit.SECONDS);
  }

  /**
   * The webhook nodes' way of publishing stored turns: one {@link io.callstream.events.EventBatch}
   * message, encoded by its codec on A and decoded on B, arrives whole and in order (frames with
   * non-ASCII text too).
   */
  @Test
  void anEventBatchCrossesTheClusterIntactAndInOrder() {
    try (EventRecorder onB = EventRecorder.on(cluster.b)) {
      onB.awaitVisibleFrom(cluster.a);
      long callId = 4_200_000_000L + System.nanoTime() % 1_000_000;
      Instant at = Instant.parse("2026-12-02T05:00:00Z");
      List<CallEvent> events =
          List.of(
              new CallStatusEvent(callId, "CA-batch", "conv", "in_progress", at),
              new TranscriptionEvent(
                  callId, "CA-batch", "conv", 11, 1, "agent", "Grüß dich 🚚", at),
              new TranscriptionEvent(callId, "CA-batch", "conv", 12, 2, "user", "ok", at));
      CallEvents.publishBatch(cluster.a.vertx().eventBus(), events);
      List<CallEvents.Received> got = onB.awaitCount(callId, 3);
      assertEquals(
          List.of(
              CallEvents.Kind.STATUS, CallEvents.Kind.TRANSCRIPTION, CallEvents.Kind.TRANSCRIPTION),
          got.stream().map(CallEvents.Received::kind).toList());
      assertEquals(
          List.of(0, 1, 2), got.stream().map(CallEvents.Received::sequenceNumber).toList());
      for (int i = 0; i < events.size(); i++) {
        assertEquals(events.get(i).toFrame().encode(), got.get(i).frame());
      }
    }
  }

  private static boolean answers(Node from, String address) {
    try {
      Await.result(
          from.vertx().eventBus().request(address, "ping").timeout(500, TimeUnit.MILLISECONDS),
          Duration.ofSeconds(5));
      return true;
    } catch (RuntimeException notYet) {
      return false; // no handler known yet on this node: ask again
    }
  }
}
