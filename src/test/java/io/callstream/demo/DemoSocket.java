package io.callstream.demo;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callstream.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A dashboard's WebSocket for blocking assertions: every frame is queued; {@link #next} waits for
 * the next one.
 */
final class DemoSocket implements AutoCloseable {
  static final long TIMEOUT_SECONDS = 30;

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

  private DemoSocket(WebSocketClient client) {
    this.client = client;
    this.ws = client.webSocket();
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
  }

  static DemoSocket open(Vertx vertx, int port, String token) {
    DemoSocket socket = new DemoSocket(vertx.createWebSocketClient());
    Await.result(
        socket.ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/ws/calls/transcriptions?token=" + token)));
    return socket;
  }

  void send(JsonObject message) {
    Await.result(ws.writeTextMessage(message.encode()));
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

  @Override
  public void close() {
    ws.close();
    client.close();
  }
}
