package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.TestConfig;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protection and lifecycle: slow consumers (1013), unanswered pings, draining (503) and stop
 * (1001).
 */
class LiveLifecycleTest {
  @RegisterExtension static final ClusterExtension live = ClusterExtension.noNodes("livelife");

  @Test
  void aClientThatDoesNotReadIsClosedWith1013WhileOthersKeepReceiving() throws Exception {
    Node node =
        live.starter()
            .start(
                TestConfig.config(
                    live.schema(), Map.of("WS_MAX_QUEUE_BYTES", "65536", "HTTP_INSTANCES", "1")));
    Call call = CallFeed.newCall(node);
    WebSocketClient smallBuffers =
        live.vertx().createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096));
    TestSocket slow = TestSocket.open(smallBuffers, node.port(), live.token());
    TestSocket reader = TestSocket.open(live.webSockets(), node.port(), live.token());
    slow.subscribe(call.callSid(), null);
    reader.subscribe(call.callSid(), null);
    slow.ws.pause();
    Counter slowConsumerCloses =
        node.registry().get("callstream_ws_slow_consumer_closes").counter();
    double closedBefore = slowConsumerCloses.count();
    String text = "x".repeat(4000);
    int seq = 0;
    for (int batch = 0; batch < 100 && slowConsumerCloses.count() == closedBefore; batch++) {
      for (int i = 0; i < 200; i++) {
        CallFeed.publishUnstored(node, call, ++seq, text);
      }
      for (int expected = seq - 199; expected <= seq; expected++) {
        assertEquals(expected, reader.next("transcription").getInteger("sequence_number"));
      }
    }
    assertEquals(closedBefore + 1, slowConsumerCloses.count(), "the slow client was never closed");
    slow.ws.resume();
    assertEquals((short) 1013, slow.awaitClose());
    CallFeed.publishUnstored(node, call, ++seq, "after");
    assertEquals("after", reader.next("transcription").getString("message_text"));
    assertFalse(reader.closed.isDone());
    reader.close();
  }

  @Test
  void pingsDropSilentSocketsAndDrainingRefusesThenStopCloses1001() throws Exception {
    Node node =
        live.starter()
            .start(TestConfig.config(live.schema(), Map.of("WS_PING_INTERVAL_SECONDS", "1")));
    TestSocket answering = TestSocket.open(live.webSockets(), node.port(), live.token());
    // a raw client that completes the handshake and then never answers a ping
    CompletableFuture<Buffer> closeFrame = new CompletableFuture<>();
    Buffer received = Buffer.buffer();
    // used to the end: Vert.x closes an unreachable NetClient and its connections
    NetClient net = live.vertx().createNetClient();
    NetSocket raw = Await.result(net.connect(node.port(), "127.0.0.1"));
    raw.handler(
        data -> {
          received.appendBuffer(data);
          int at = indexOfCloseFrame(received);
          if (at >= 0) {
            closeFrame.complete(received.getBuffer(at, received.length()));
          }
        });
    raw.write(
        "GET "
            + LiveRole.PATH
            + "?token="
            + live.token()
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n");
    Buffer close = closeFrame.get(20, TimeUnit.SECONDS);
    assertTrue(received.toString().startsWith("HTTP/1.1 101"), received.toString());
    assertEquals(1001, close.getUnsignedShort(2));
    raw.close();
    Await.result(net.close());
    // the Vert.x client answers pings by itself: it is still there after the silent one was dropped
    assertFalse(answering.closed.isDone());
    Call call = CallFeed.newCall(node);
    answering.subscribe(call.callSid(), null);

    node.state().startDraining();
    Throwable refused =
        Await.failure(TestSocket.connect(live.webSockets(), node.port(), live.token()));
    assertEquals(503, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus());
    CompletableFuture<Void> stopped =
        CompletableFuture.runAsync(
            () -> {
              try {
                node.shutdown(20);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertEquals((short) 1001, answering.awaitClose());
    stopped.get(30, TimeUnit.SECONDS);
  }

  /**
   * Index of a server close frame (FIN + opcode 8, unmasked, 2-byte code + reason) after the 101
   * answer.
   */
  private static int indexOfCloseFrame(Buffer b) {
    String text = b.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    int start = text.indexOf("\r\n\r\n");
    if (start < 0) {
      return -1;
    }
    int i = start + 4;
    while (i + 2 <= b.length()) {
      int opcode = b.getUnsignedByte(i) & 0x0f;
      int len = b.getUnsignedByte(i + 1) & 0x7f;
      if (len > 125 || i + 2 + len > b.length()) {
        return -1;
      }
      if (opcode == 8 && len >= 2) {
        return i;
      }
      i += 2 + len;
    }
    return -1;
  }
}
