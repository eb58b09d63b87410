package io.callstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.auth.Tokens;
import io.callstream.live.LiveRole;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.support.WebhookSigner;
import io.callstream.webhook.SignatureVerifier;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections are bounded in time: an idle connection is closed (HTTP_IDLE_TIMEOUT_SECONDS) while a
 * pinged WebSocket stays up, and a client that sends a request's headers or body too slowly is cut
 * off (HTTP_REQUEST_TIMEOUT_SECONDS). Raw TCP clients, so that exactly what is sent is under the
 * test's control.
 */
class ConnectionBoundsTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;

  /** Held for the class: Vert.x closes an unreachable client and its WebSockets. */
  static WebSocketClient webSockets;

  /**
   * One client for every raw connection, held for the class: Vert.x closes a NetClient it finds
   * unreachable, and its connections with it.
   */
  static NetClient net;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("bounds");
    vertx = Vertx.vertx();
    webSockets = vertx.createWebSocketClient();
    net = vertx.createNetClient();
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  /** A raw connection recording what it receives and when it is closed. */
  record Raw(NetSocket socket, Buffer received, CompletableFuture<Long> closedAt) {
    static Raw open(int port) {
      Buffer received = Buffer.buffer();
      CompletableFuture<Long> closedAt = new CompletableFuture<>();
      NetSocket socket = Await.result(net.connect(port, "127.0.0.1"));
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closedAt.complete(System.nanoTime()));
      return new Raw(socket, received, closedAt);
    }

    void send(String text) {
      Await.result(socket.write(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8))));
    }

    long awaitClosed() throws Exception {
      return closedAt.get(20, TimeUnit.SECONDS);
    }

    String text() {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void idleConnectionsAreClosedWhilePingedSocketsStayUp() throws Exception {
    Node node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "HTTP_IDLE_TIMEOUT_SECONDS",
                    "2",
                    "WS_PING_INTERVAL_SECONDS",
                    "1",
                    "HTTP_REQUEST_TIMEOUT_SECONDS",
                    "600",
                    "HTTP_INSTANCES",
                    "1")));
    String token = new Tokens(vertx, node.config().auth()).issue("dana", "dispatcher");
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    ClientWebSocket ws = webSockets.webSocket();
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    Await.result(
        ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(node.port())
                .setURI(LiveRole.PATH + "?token=" + token)));
    long socketOpened = System.nanoTime();

    // a kept-alive connection that goes quiet after one request is closed by the idle timeout...
    Raw keptAlive = Raw.open(node.port());
    keptAlive.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    keptAlive.awaitClosed();
    assertTrue(keptAlive.text().startsWith("HTTP/1.1 200"), keptAlive.text());
    // ...and so is one that never sends anything (well before the request timeout of 600 s)
    Raw silent = Raw.open(node.port());
    silent.awaitClosed();

    // the WebSocket has been up for more than twice the idle timeout, kept alive by pings (answered
    // by the client)
    assertTrue(System.nanoTime() - socketOpened > TimeUnit.SECONDS.toNanos(4));
    assertFalse(ws.isClosed());
    Await.result(ws.writeTextMessage("{\"subscribe\":\"not a valid id!\"}"));
    JsonObject frame = frames.poll(20, TimeUnit.SECONDS);
    assertEquals(
        "INVALID_IDENTIFIER",
        frame == null ? null : frame.getString("code"),
        String.valueOf(frame));
    Await.result(ws.close());
  }

  @Test
  void aHalfSentRequestOrUpgradeIsClosed() throws Exception {
    Node node = slowClientNode();
    Raw upgrade = Raw.open(node.port());
    upgrade.send("GET " + LiveRole.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
    upgrade.awaitClosed(); // the headers never end; the idle timeout (75 s) would be far too late
    assertEquals("", upgrade.text());
  }

  @Test
  void aBodyThatDoesNotArriveInTimeIsAnswered408AndTheConnectionClosed() throws Exception {
    Node node = slowClientNode();
    Raw slow = Raw.open(node.port());
    slow.send(
        "POST "
            + WebhookRole.POST_CALL
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + SignatureVerifier.HEADER
            + ": "
            + WebhookSigner.sign("{}", TestConfig.WEBHOOK_SECRET)
            + "\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"type\":");
    slow.awaitClosed();
    assertTrue(slow.text().startsWith("HTTP/1.1 408"), slow.text());
    assertTrue(slow.text().contains("\"status\":\"error\""), slow.text());
    // the node still answers others
    Raw next = Raw.open(node.port());
    next.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    next.awaitClosed();
    assertTrue(next.text().startsWith("HTTP/1.1 200"), next.text());
  }

  private static Node slowClientNode() {
    return nodes.start(TestConfig.config(schema, Map.of("HTTP_REQUEST_TIMEOUT_SECONDS", "1")));
  }
}
