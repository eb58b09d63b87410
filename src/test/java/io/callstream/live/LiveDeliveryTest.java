package io.callstream.live;

import static io.callstream.live.LiveCluster.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.call.Transcription;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Catch-up with since, gap repair and completion across two clustered nodes. */
class LiveDeliveryTest {
  @RegisterExtension
  static final ClusterExtension cluster = LiveCluster.twoNodes("livedelivery", Map.of());

  /**
   * Subscribing while turns keep arriving: every turn after since exactly once, in order, many
   * times over.
   */
  @Test
  void sinceReplayRacesLiveTurnsWithoutGapOrDuplicate() {
    for (int round = 0; round < 20; round++) {
      Call call = CallFeed.newCall(cluster.a());
      for (int i = 0; i < 5; i++) {
        Await.result(CallFeed.store(cluster.a(), call, "stored " + i));
      }
      Node publisher = round % 2 == 0 ? cluster.a() : cluster.b();
      Node subscriberNode = round % 2 == 0 ? cluster.b() : cluster.a();
      TestSocket s = TestSocket.open(cluster.webSockets(), subscriberNode.port(), cluster.token());
      Future<Integer> producing = CallFeed.produce(publisher, call, 15);
      Integer since = round % 4 == 3 ? null : round % 5;
      JsonObject confirmed =
          s.subscribe(round % 3 == 0 ? call.conversationId() : call.callSid(), since);
      int expected = since == null ? confirmed.getInteger("last_sequence_number") + 1 : since + 1;
      int last = Await.result(producing);
      for (int seq = expected; seq <= last; seq++) {
        JsonObject frame = s.next("transcription");
        assertEquals(
            seq, frame.getInteger("sequence_number"), "round " + round + ": " + frame.encode());
      }
      CallFeed.probe(publisher, call);
      s.next("call_status");
      s.close();
    }
  }

  @Test
  void aLostBusEventIsRepairedFromTheDatabase() {
    Call call = CallFeed.newCall(cluster.a());
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    s.subscribe(call.callSid(), null);
    double repairs = gapRepairs(cluster.b());
    CallFeed.turn(cluster.a(), call, "one");
    Await.result(CallFeed.store(cluster.a(), call, "two, never published"));
    Transcription three = Await.result(CallFeed.store(cluster.a(), call, "three"));
    CallFeed.publish(cluster.a(), call, three);
    CallFeed.publish(cluster.a(), call, three);
    CallFeed.turn(cluster.a(), call, "four");
    List<String> texts = new ArrayList<>();
    for (int seq = 1; seq <= 4; seq++) {
      JsonObject frame = s.next("transcription");
      assertEquals(seq, frame.getInteger("sequence_number"));
      texts.add(frame.getString("message_text"));
    }
    assertEquals(List.of("one", "two, never published", "three", "four"), texts);
    assertTrue(gapRepairs(cluster.b()) > repairs);
    s.close();
  }

  @Test
  void completionComesAfterEveryTurnAndStatusThenNothing() {
    Call call = CallFeed.newCall(cluster.a());
    Call other = CallFeed.newCall(cluster.a());
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    s.subscribe(call.callSid(), null);
    s.subscribe(call.conversationId(), null);
    s.subscribe(other.callSid(), null);
    CallFeed.turn(cluster.a(), call, "one");
    Await.result(CallFeed.store(cluster.a(), call, "two, lost on the bus"));
    CallFeed.complete(cluster.a(), call, true);
    assertEquals(1, s.next("transcription").getInteger("sequence_number"));
    assertEquals(2, s.next("transcription").getInteger("sequence_number"));
    JsonObject status = s.next("call_status");
    assertEquals("completed", status.getString("status"));
    JsonObject completed = s.next("call_completed");
    assertEquals(call.callSid(), completed.getString("call_sid"));
    JsonObject data = completed.getJsonObject("call_data");
    assertEquals("completed", data.getString("status"));
    assertEquals("success", data.getJsonObject("analysis_data").getString("call_successful"));
    assertEquals(2, data.getInteger("last_sequence_number"));
    // the subscription ended: a late event of that call is not forwarded, the other call's still is
    CallFeed.turn(cluster.a(), call, "late");
    CallFeed.probe(cluster.a(), call);
    CallFeed.turn(cluster.a(), other, "barrier");
    assertEquals("barrier", s.next("transcription").getString("message_text"));
    s.close();
  }

  @Test
  void aLostCallStatusIsStillSentBeforeTheCompletion() {
    Call call = CallFeed.newCall(cluster.a());
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    s.subscribe(call.callSid(), null);
    CallFeed.complete(cluster.b(), call, false);
    JsonObject status = s.next("call_status");
    assertEquals("completed", status.getString("status"));
    assertEquals(call.callSid(), status.getString("call_sid"));
    s.next("call_completed");
    s.close();
  }

  @Test
  void subscribingToAnEndedCallSendsConfirmationThenCompletion() {
    Call call = CallFeed.newCall(cluster.a());
    CallFeed.turn(cluster.a(), call, "one");
    CallFeed.turn(cluster.a(), call, "two");
    CallFeed.complete(cluster.a(), call, true);
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    JsonObject confirmed = s.subscribe(call.callSid(), null);
    assertEquals("completed", confirmed.getString("status"));
    assertEquals(2, confirmed.getInteger("last_sequence_number"));
    assertEquals(
        2, s.next("call_completed").getJsonObject("call_data").getInteger("last_sequence_number"));
    s.subscribe(call.conversationId(), 0);
    assertEquals("one", s.next("transcription").getString("message_text"));
    assertEquals("two", s.next("transcription").getString("message_text"));
    s.next("call_completed");
    s.close();
  }

  @Test
  void hundredSocketsWithTenSubscriptionsEachAreCleanedUpOnDisconnect() {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(CallFeed.newCall(cluster.a()));
    }
    List<Future<TestSocket>> connecting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Node on = i % 2 == 0 ? cluster.a() : cluster.b();
      connecting.add(TestSocket.connect(cluster.webSockets(), on.port(), cluster.token()));
    }
    List<TestSocket> sockets = new ArrayList<>();
    for (Future<TestSocket> f : connecting) {
      TestSocket s = Await.result(f);
      sockets.add(s);
      for (int i = 0; i < calls.size(); i++) {
        Call c = calls.get(i);
        s.ws.writeTextMessage(
            message("subscribe", i % 2 == 0 ? c.callSid() : c.conversationId()).encode());
      }
    }
    for (TestSocket s : sockets) {
      for (int i = 0; i < calls.size(); i++) {
        s.next("subscription_confirmed");
      }
    }
    awaitCount(() -> subscriptions(), 1000, "subscriptions");
    for (Call c : calls) {
      CallFeed.turn(cluster.b(), c, "to all");
    }
    for (TestSocket s : sockets) {
      for (int i = 0; i < calls.size(); i++) {
        assertEquals("to all", s.next("transcription").getString("message_text"));
      }
      s.close();
    }
    awaitCount(() -> subscriptions(), 0, "subscriptions");
    awaitCount(() -> gauges("callstream_ws_open_sockets"), 0, "open sockets");
    // no registry entry outlives its last subscription
    awaitCount(() -> gauges("callstream_ws_subscribed_calls"), 0, "registry entries");
  }

  private static long subscriptions() {
    return gauges("callstream_ws_subscriptions");
  }

  /** The node-wide gauge, summed over both nodes, as /metrics exports it. */
  private static long gauges(String name) {
    return (long)
        (cluster.a().registry().get(name).gauge().value()
            + cluster.b().registry().get(name).gauge().value());
  }

  private static double gapRepairs(Node node) {
    return node.registry().get("callstream_ws_gap_repairs").counter().count();
  }

  static void awaitCount(java.util.function.LongSupplier value, long expected, String what) {
    assertEquals(expected, Await.latest(value::getAsLong, v -> v == expected, Await.TIMEOUT), what);
  }
}
