package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.call.Call;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStartedEvent;
import io.callstream.support.ClusterExtension;
import io.callstream.support.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet feed ({"watch": "calls"}): a snapshot of active calls, then every call's lifecycle,
 * across nodes.
 */
class FleetFeedTest {
  @RegisterExtension
  static final ClusterExtension cluster = LiveCluster.twoNodes("fleet", Map.of());

  static JsonObject watch(TestSocket s) {
    s.send(new JsonObject().put("watch", "calls"));
    return s.next("watch_confirmed");
  }

  static boolean holds(JsonObject confirmed, String callSid) {
    return confirmed.getJsonArray("calls").stream()
        .anyMatch(c -> callSid.equals(((JsonObject) c).getString("call_sid")));
  }

  @Test
  void snapshotThenLifecycleOfEveryCallWithoutTurns() {
    Call active = CallFeed.newCall(cluster.a());
    Call ended = CallFeed.newCall(cluster.a());
    // ended in the database only: its completion events would (rightly) reach a watcher that
    // started meanwhile
    TestDatabase.queryValue(
        cluster.schema(),
        "UPDATE calls SET status = 'completed' WHERE id = " + ended.id() + " RETURNING 1");
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    JsonObject confirmed = watch(s);
    assertTrue(holds(confirmed, active.callSid()), confirmed.encode());
    assertFalse(holds(confirmed, ended.callSid()), "an ended call is not on the board");
    JsonObject snapshotCall =
        confirmed.getJsonArray("calls").stream()
            .map(JsonObject.class::cast)
            .filter(c -> active.callSid().equals(c.getString("call_sid")))
            .findFirst()
            .orElseThrow();
    assertEquals("in_progress", snapshotCall.getString("status"));
    assertTrue(snapshotCall.containsKey("violation_types"));

    // a call started on node A reaches the watcher on node B; its transcript turns do not
    Call fresh = CallFeed.newCall(cluster.a());
    CallEvents.publish(
        cluster.a().vertx().eventBus(),
        new CallStartedEvent(fresh.id(), fresh.callSid(), fresh.conversationId(), fresh.toJson()));
    JsonObject started = s.next("call_started");
    assertEquals(fresh.callSid(), started.getString("call_sid"));
    assertEquals(fresh.callSid(), started.getJsonObject("call_data").getString("call_sid"));
    CallFeed.turn(cluster.a(), fresh, "hello");
    CallFeed.complete(cluster.a(), fresh, true);
    // from one publisher, in order: had the turn been forwarded, it would come before the status
    JsonObject status = s.next("call_status");
    assertEquals("completed", status.getString("status"));
    assertEquals(fresh.callSid(), status.getString("call_sid"));
    JsonObject completed = s.next("call_completed");
    assertEquals(1, completed.getJsonObject("call_data").getInteger("last_sequence_number"));
    s.close();
  }

  @Test
  void aCallMarkedHandledOnOneNodeReachesEveryWatcherOnceWithItsHandler() {
    Call failed = CallFeed.newCall(cluster.a());
    CallFeed.complete(cluster.a(), failed, false);
    TestSocket onB = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    TestSocket onA = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    watch(onB);
    watch(onA);
    ApiClient api = new ApiClient(cluster.vertx(), cluster.a());
    HttpResponse<Buffer> marked =
        api.post("/calls/" + failed.callSid() + "/handled", api.token("dispatcher"), null);
    assertEquals(200, marked.statusCode(), marked.bodyAsString());
    for (TestSocket s : new TestSocket[] {onB, onA}) {
      JsonObject handled = s.next("call_handled");
      assertEquals(failed.callSid(), handled.getString("call_sid"));
      assertEquals("test-dispatcher", handled.getString("handled_by"));
      assertEquals(
          marked.bodyAsJsonObject().getString("handled_at"), handled.getString("handled_at"));
    }
    // a second mark changes nothing and publishes nothing: the next frame on B is the probe's
    assertEquals(
        200,
        api.post("/calls/" + failed.callSid() + "/handled", api.token("dispatcher"), null)
            .statusCode());
    Call other = CallFeed.newCall(cluster.a());
    CallEvents.publish(
        cluster.a().vertx().eventBus(),
        new CallStartedEvent(other.id(), other.callSid(), other.conversationId(), other.toJson()));
    JsonObject next = onB.next();
    assertEquals("call_started", next.getString("type"), next.encode());
    onA.close();
    onB.close();
  }

  @Test
  void unwatchStopsTheFeedAndSubscriptionsStayIndependent() {
    Call followed = CallFeed.newCall(cluster.a());
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    watch(s);
    s.subscribe(followed.callSid(), null);
    s.send(new JsonObject().put("unwatch", "calls"));
    s.next("unwatch_confirmed");
    Call other = CallFeed.newCall(cluster.a());
    CallEvents.publish(
        cluster.a().vertx().eventBus(),
        new CallStartedEvent(other.id(), other.callSid(), other.conversationId(), other.toJson()));
    CallFeed.probe(cluster.a(), followed);
    // the probe of the subscribed call arrives; the call_started published before it does not
    JsonObject next = s.next("call_status");
    assertEquals(followed.callSid(), next.getString("call_sid"));
    s.close();
  }

  @Test
  void reconnectingResynchronisesFromTheSnapshot() {
    TestSocket first = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    watch(first);
    first.close();
    Call whileAway = CallFeed.newCall(cluster.b());
    TestSocket again = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    assertTrue(holds(watch(again), whileAway.callSid()));
    again.close();
  }

  @Test
  void onlyTheCallsFeedCanBeWatched() {
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    s.send(new JsonObject().put("watch", "everything"));
    JsonObject error = s.next("error");
    assertEquals("INVALID_MESSAGE", error.getString("code"));
    s.send(new JsonObject().put("watch", "calls").put("subscribe", "x"));
    assertEquals("INVALID_MESSAGE", s.next("error").getString("code"));
    s.close();
  }
}
