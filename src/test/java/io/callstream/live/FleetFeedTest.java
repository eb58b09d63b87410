package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.Call;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStartedEvent;
import io.callstream.support.ClusterExtension;
import io.callstream.support.TestDatabase;
import io.vertx.core.json.JsonObject;
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
