package io.callstream.live;

import static io.callstream.live.LiveCluster.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every client message and error code of contract §4, and the token's expiry and refresh on a live
 * socket.
 */
class LiveProtocolTest {
  @RegisterExtension
  static final ClusterExtension live =
      ClusterExtension.oneNode("liveproto").settings(Map.of("WS_MAX_SUBSCRIPTIONS", "10"));

  @Test
  void unknownCallIsCallNotFound() {
    TestSocket s = TestSocket.open(live.webSockets(), live.node().port(), live.token());
    s.send(message("subscribe", "EL_nobody_1"));
    assertError(s.next(), "CALL_NOT_FOUND", "EL_nobody_1");
    s.send(message("unsubscribe", "conv_nobody"));
    assertError(s.next(), "CALL_NOT_FOUND", "conv_nobody");
    s.close();
  }

  @Test
  void malformedIdentifiersAreInvalidIdentifier() {
    TestSocket s = TestSocket.open(live.webSockets(), live.node().port(), live.token());
    s.send(message("subscribe", "has space"));
    assertError(s.next(), "INVALID_IDENTIFIER", "has space");
    s.send(message("subscribe", ""));
    assertError(s.next(), "INVALID_IDENTIFIER", "");
    s.send(message("subscribe", 42));
    assertError(s.next(), "INVALID_IDENTIFIER", null);
    s.send(message("unsubscribe", "x".repeat(200)));
    assertError(s.next(), "INVALID_IDENTIFIER", null);
    s.close();
  }

  @Test
  void malformedMessagesAreInvalidMessageAndNeverClose() {
    Call call = CallFeed.newCall(live.node());
    TestSocket s = TestSocket.open(live.webSockets(), live.node().port(), live.token());
    List<String> bad =
        List.of(
            "not json",
            "[1,2]",
            "{}",
            "{\"hello\":1}",
            new JsonObject()
                .put("subscribe", call.callSid())
                .put("unsubscribe", call.callSid())
                .encode(),
            new JsonObject().put("subscribe", call.callSid()).put("since", -1).encode(),
            new JsonObject().put("subscribe", call.callSid()).put("since", "3").encode(),
            new JsonObject().put("subscribe", call.callSid()).put("since", 1.5).encode(),
            new JsonObject().put("auth", 7).encode(),
            new JsonObject()
                .put("subscribe", call.callSid())
                .put("pad", "x".repeat(5000))
                .encode());
    for (String text : bad) {
      s.send(text);
      assertEquals("INVALID_MESSAGE", s.next("error").getString("code"), text);
    }
    Await.result(s.ws.writeBinaryMessage(Buffer.buffer("{\"subscribe\":\"x\"}")));
    assertEquals("INVALID_MESSAGE", s.next("error").getString("code"));
    assertEquals(call.callSid(), s.subscribe(call.callSid(), null).getString("call_sid"));
    assertFalse(s.closed.isDone());
    s.close();
  }

  @Test
  void tooManySubscriptionsIsRefusedButTheSocketStays() {
    TestSocket s = TestSocket.open(live.webSockets(), live.node().port(), live.token());
    Call first = null;
    for (int i = 0; i < 10; i++) {
      Call c = CallFeed.newCall(live.node());
      first = first == null ? c : first;
      s.subscribe(c.callSid(), null);
    }
    Call eleventh = CallFeed.newCall(live.node());
    s.send(message("subscribe", eleventh.callSid()));
    assertError(s.next(), "TOO_MANY_SUBSCRIPTIONS", eleventh.callSid());
    // the same call again (by its other id) is not an eleventh subscription
    assertEquals(first.callSid(), s.subscribe(first.conversationId(), null).getString("call_sid"));
    s.send(message("unsubscribe", first.callSid()));
    s.next("unsubscribe_confirmed");
    s.subscribe(eleventh.callSid(), null);
    s.close();
  }

  @Test
  void unsubscribeByEitherIdStopsDelivery() {
    Call call = CallFeed.newCall(live.node());
    Call other = CallFeed.newCall(live.node());
    TestSocket s = TestSocket.open(live.webSockets(), live.node().port(), live.token());
    s.subscribe(call.callSid(), null);
    s.subscribe(other.callSid(), null);
    CallFeed.turn(live.node(), call, "before");
    assertEquals("before", s.next("transcription").getString("message_text"));
    s.send(message("unsubscribe", call.conversationId()));
    JsonObject confirmed = s.next("unsubscribe_confirmed");
    assertEquals(call.conversationId(), confirmed.getString("identifier"));
    assertEquals(call.callSid(), confirmed.getString("call_sid"));
    CallFeed.turn(live.node(), call, "after");
    CallFeed.turn(live.node(), other, "barrier");
    assertEquals("barrier", s.next("transcription").getString("message_text"));
    // unsubscribing from a known call that is not subscribed is confirmed too
    s.send(message("unsubscribe", call.callSid()));
    assertEquals(call.callSid(), s.next("unsubscribe_confirmed").getString("call_sid"));
    s.close();
  }

  @Test
  void aFloodOfMessagesIsRefusedWithoutClosing() throws Exception {
    TestSocket s = TestSocket.open(live.webSockets(), live.node().port(), live.token());
    JsonArray codes = new JsonArray();
    for (int i = 0; i < 200; i++) {
      s.ws.writeTextMessage("{\"noop\":true}");
    }
    boolean throttled = false;
    JsonObject frame;
    while ((frame = s.frames.poll(5, TimeUnit.SECONDS)) != null && !throttled) {
      codes.add(frame.getString("code"));
      throttled = frame.getString("message").contains("too many messages");
    }
    assertTrue(throttled, "no rate-limit error in " + codes.size() + " answers");
    assertTrue(codes.size() < 200, "every message was answered");
    Call call = CallFeed.newCall(live.node());
    JsonObject answer =
        Await.latest(
            () -> {
              s.frames.clear();
              s.send(message("subscribe", call.callSid()));
              return s.poll(Duration.ofSeconds(2));
            },
            a -> a != null && "subscription_confirmed".equals(a.getString("type")),
            Await.TIMEOUT);
    assertEquals(
        "subscription_confirmed", answer.getString("type"), "socket did not recover: " + answer);
    s.close();
  }

  @Test
  void expiredTokenClosesWith4401UnlessRefreshed() {
    String shortToken = Jwts.dispatcher(live.vertx(), 3);
    TestSocket refreshed = TestSocket.open(live.webSockets(), live.node().port(), shortToken);
    TestSocket expiring = TestSocket.open(live.webSockets(), live.node().port(), shortToken);
    refreshed.send(message("auth", "not-a-token"));
    assertError(refreshed.next(), "INVALID_MESSAGE", null);
    refreshed.send(message("auth", Jwts.dispatcher(live.vertx(), 3600)));
    assertError(expiring.next(), "TOKEN_EXPIRED", null);
    assertEquals((short) 4401, expiring.awaitClose());
    Call call = CallFeed.newCall(live.node());
    assertEquals(call.callSid(), refreshed.subscribe(call.callSid(), null).getString("call_sid"));
    assertFalse(refreshed.closed.isDone());
    refreshed.close();
  }

  private static void assertError(JsonObject frame, String code, String identifier) {
    assertEquals("error", frame.getString("type"), frame.encode());
    assertEquals(code, frame.getString("code"), frame.encode());
    assertTrue(frame.getString("message") != null && !frame.getString("message").isEmpty());
    assertEquals(identifier, frame.getString("identifier"), frame.encode());
  }
}
