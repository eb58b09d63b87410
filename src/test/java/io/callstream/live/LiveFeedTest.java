package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.Http;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authentication of the upgrade and fan-out of events across two clustered nodes. */
class LiveFeedTest {
  @RegisterExtension
  static final ClusterExtension cluster =
      LiveCluster.twoNodes("livefeed", Map.of("WS_MAX_SUBSCRIPTIONS", "10"));

  @Test
  void upgradeWithoutTokenIs401() {
    Throwable e = Await.failure(TestSocket.connect(cluster.webSockets(), cluster.a().port(), null));
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, e).getStatus());
  }

  @Test
  void upgradeWithInvalidOrExpiredTokenIs403() {
    for (String bad :
        List.of(
            "garbage",
            Jwts.dispatcher(cluster.vertx(), -10),
            Jwts.sign(
                cluster.vertx(),
                "another-secret-key-that-is-32-bytes-long!!",
                new JsonObject()
                    .put("sub", "x")
                    .put("role", "dispatcher")
                    .put("exp", System.currentTimeMillis() / 1000 + 600)))) {
      Throwable e =
          Await.failure(TestSocket.connect(cluster.webSockets(), cluster.a().port(), bad));
      assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, e).getStatus());
    }
  }

  @Test
  void bearerHeaderAuthenticatesToo() {
    TestSocket s =
        Await.result(
            TestSocket.connectBearer(cluster.webSockets(), cluster.b().port(), cluster.token()));
    Call call = CallFeed.newCall(cluster.a());
    JsonObject confirmed = s.subscribe(call.callSid(), null);
    assertEquals(call.callSid(), confirmed.getString("call_sid"));
    s.close();
  }

  @Test
  void plainGetWithoutUpgradeIsRefusedCleanly() {
    var response =
        Await.result(
            Http.client(cluster.vertx())
                .get(cluster.a().port(), "127.0.0.1", LiveRole.PATH + "?token=" + cluster.token())
                .send());
    assertEquals(400, response.statusCode());
  }

  @Test
  void eventFromNodeAReachesSubscribersOnBothNodesInOrderOnce() {
    Call call = CallFeed.newCall(cluster.a());
    TestSocket onA = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    TestSocket onB = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    JsonObject confirmed = onA.subscribe(call.conversationId(), null);
    assertEquals(call.callSid(), confirmed.getString("call_sid"));
    assertEquals(call.conversationId(), confirmed.getString("conversation_id"));
    assertEquals("in_progress", confirmed.getString("status"));
    assertEquals(0, confirmed.getInteger("last_sequence_number"));
    onB.subscribe(call.callSid(), null);
    for (int i = 1; i <= 20; i++) {
      CallFeed.turn(cluster.a(), call, "turn " + i);
    }
    for (TestSocket s : List.of(onA, onB)) {
      for (int i = 1; i <= 20; i++) {
        JsonObject t = s.next("transcription");
        assertEquals(i, t.getInteger("sequence_number"));
        assertEquals("turn " + i, t.getString("message_text"));
        assertEquals(call.callSid(), t.getString("call_sid"));
      }
    }
    CallFeed.complete(cluster.b(), call, true);
    for (TestSocket s : List.of(onA, onB)) {
      assertEquals("completed", s.next("call_status").getString("status"));
      assertEquals(
          20,
          s.next("call_completed").getJsonObject("call_data").getInteger("last_sequence_number"));
      assertTrue(s.frames.isEmpty());
      s.close();
    }
  }

  @Test
  void subscribedByBothIdsGetsOneCopy() {
    Call call = CallFeed.newCall(cluster.a());
    Call other = CallFeed.newCall(cluster.a());
    TestSocket s = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    s.subscribe(call.callSid(), null);
    JsonObject second = s.subscribe(call.conversationId(), null);
    assertEquals(call.conversationId(), second.getString("identifier"));
    assertEquals(call.callSid(), second.getString("call_sid"));
    s.subscribe(other.callSid(), null);
    CallFeed.turn(cluster.a(), call, "once");
    CallFeed.turn(cluster.a(), other, "barrier");
    assertEquals("once", s.next("transcription").getString("message_text"));
    assertEquals("barrier", s.next("transcription").getString("message_text"));
    s.close();
  }
}
