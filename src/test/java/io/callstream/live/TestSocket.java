package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callstream.support.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Vert.x WebSocket client that queues every frame it receives, for blocking assertions in
 * tests.
 */
final class TestSocket {
  static final long TIMEOUT_SECONDS = 20;

  final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Short> closed = new CompletableFuture<>();
  final ClientWebSocket ws;

  private TestSocket(ClientWebSocket ws) {
    this.ws = ws;
  }

  static WebSocketClient client(Vertx vertx) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
  }

  /** Connects with ?token=; fails with UpgradeRejectedException when refused. */
  static Future<TestSocket> connect(WebSocketClient client, int port, String token) {
    String uri = LiveRole.PATH + (token == null ? "" : "?token=" + token);
    return connect(
        client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri));
  }

  static Future<TestSocket> connectBearer(WebSocketClient client, int port, String token) {
    return connect(
        client,
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(LiveRole.PATH)
            .setHeaders(
                MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token)));
  }

  static Future<TestSocket> connect(WebSocketClient client, WebSocketConnectOptions options) {
    ClientWebSocket ws = client.webSocket();
    TestSocket socket = new TestSocket(ws);
    ws.textMessageHandler(text -> socket.frames.add(new JsonObject(text)));
    ws.closeHandler(v -> socket.closed.complete(ws.closeStatusCode()));
    return ws.connect(options).map(v -> socket);
  }

  static TestSocket open(WebSocketClient client, int port, String token) {
    return Await.result(connect(client, port, token));
  }

  void send(JsonObject message) {
    Await.result(ws.writeTextMessage(message.encode()));
  }

  void send(String text) {
    Await.result(ws.writeTextMessage(text));
  }

  JsonObject next() {
    try {
      JsonObject frame = frames.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(frame, "no frame within " + TIMEOUT_SECONDS + " s");
      return frame;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame, or null if none arrives within the timeout. */
  JsonObject poll(Duration timeout) {
    try {
      return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonObject next(String type) {
    JsonObject frame = next();
    assertEquals(type, frame.getString("type"), frame.encode());
    return frame;
  }

  /** Subscribes and returns the confirmation. */
  JsonObject subscribe(String identifier, Integer since) {
    JsonObject m = new JsonObject().put("subscribe", identifier);
    if (since != null) {
      m.put("since", since);
    }
    send(m);
    return next("subscription_confirmed");
  }

  short awaitClose() {
    try {
      return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + TIMEOUT_SECONDS + " s", e);
    }
  }

  void close() {
    ws.close();
  }
}
