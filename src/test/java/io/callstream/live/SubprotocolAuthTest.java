package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19, defect 2: a browser sends its JWT as a WebSocket subprotocol ({@code ["callstream.jwt",
 * jwt]}) instead of in the URL; the server echoes {@code callstream.jwt} (browsers refuse a
 * handshake without it) and never the token.
 */
class SubprotocolAuthTest {
  @RegisterExtension static final ClusterExtension live = ClusterExtension.oneNode("wsproto");

  private static WebSocketConnectOptions bySubprotocol(List<String> protocols) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(live.node().port())
        .setURI(LiveRole.PATH)
        .setSubProtocols(protocols);
  }

  @Test
  void aSocketAuthenticatedOnlyBySubprotocolGetsFramesAndTheEchoedProtocol() {
    TestSocket s =
        Await.result(
            TestSocket.connect(
                live.webSockets(), bySubprotocol(List.of("callstream.jwt", live.token()))));
    assertEquals("callstream.jwt", s.ws.subProtocol());
    Call call = CallFeed.newCall(live.node());
    assertEquals(call.callSid(), s.subscribe(call.callSid(), null).getString("call_sid"));
    CallFeed.turn(live.node(), call, "by subprotocol");
    assertEquals("by subprotocol", s.next("transcription").getString("message_text"));
    s.close();
  }

  @Test
  void theHandshakeAnswerEchoesOnlyTheMarkerNeverTheToken() throws Exception {
    Buffer received = Buffer.buffer();
    // used to the end: Vert.x closes an unreachable NetClient and its connections
    NetClient net = live.vertx().createNetClient();
    NetSocket raw = Await.result(net.connect(live.node().port(), "127.0.0.1"));
    raw.handler(received::appendBuffer);
    Await.result(
        raw.write(
            "GET "
                + LiveRole.PATH
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: callstream.jwt, "
                + live.token()
                + "\r\n\r\n"));
    Await.until(
        "the handshake's answer",
        () -> received.toString(StandardCharsets.UTF_8).contains("\r\n\r\n"));
    String head = received.toString(StandardCharsets.UTF_8);
    raw.close();
    Await.result(net.close());
    assertTrue(head.startsWith("HTTP/1.1 101"), head);
    assertTrue(head.toLowerCase().contains("sec-websocket-protocol: callstream.jwt\r\n"), head);
    assertFalse(head.contains(live.token()), head);
  }

  @Test
  void aWrongTokenBySubprotocolIsRefused403AndAMissingOne401() {
    for (String bad : List.of("garbage", Jwts.dispatcher(live.vertx(), -10))) {
      Throwable e =
          Await.failure(
              TestSocket.connect(live.webSockets(), bySubprotocol(List.of("callstream.jwt", bad))));
      assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, e).getStatus(), bad);
    }
    Throwable missing =
        Await.failure(
            TestSocket.connect(live.webSockets(), bySubprotocol(List.of("callstream.jwt"))));
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, missing).getStatus());
    // the JWT alone, without the marker, is not taken for one (a subprotocol is not a token unless
    // marked)
    Throwable unmarked =
        Await.failure(TestSocket.connect(live.webSockets(), bySubprotocol(List.of(live.token()))));
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, unmarked).getStatus());
  }
}
