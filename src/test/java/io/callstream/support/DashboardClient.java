package io.callstream.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * A dashboard as the README describes it: connects to /ws/calls/transcriptions, subscribes to
 * calls, records every frame, and (when asked) reconnects after a lost connection and resubscribes
 * with {@code since} = the last sequence number it received for each call that has not completed.
 */
public final class DashboardClient {
  /** What one call's subscription received. */
  public static final class CallLog {
    public final List<Integer> sequenceNumbers = new CopyOnWriteArrayList<>();
    public final List<String> types = new CopyOnWriteArrayList<>();
    public volatile boolean completed;

    int last() {
      return sequenceNumbers.isEmpty() ? 0 : sequenceNumbers.get(sequenceNumbers.size() - 1);
    }
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final IntSupplier port;
  private final String token;
  private final boolean reconnect;
  private final Map<String, CallLog> calls = new ConcurrentHashMap<>();
  public final List<Short> closeCodes = new CopyOnWriteArrayList<>();
  public final List<JsonObject> errors = new CopyOnWriteArrayList<>();
  public volatile int connections;
  public volatile int confirmations;
  private volatile ClientWebSocket socket;
  private volatile boolean closing;

  public DashboardClient(Vertx vertx, IntSupplier port, String token, boolean reconnect) {
    this.vertx = vertx;
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setDefaultHost("127.0.0.1")
                .setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 22));
    this.port = port;
    this.token = token;
    this.reconnect = reconnect;
  }

  public CallLog log(String callSid) {
    return calls.computeIfAbsent(callSid, k -> new CallLog());
  }

  public Map<String, CallLog> calls() {
    return calls;
  }

  /**
   * Connects and subscribes (since 0) to the given calls; reconnects later resubscribe with since.
   */
  public void start(List<String> callSids) {
    callSids.forEach(this::log);
    connect();
  }

  private void connect() {
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(this::onFrame);
    ws.closeHandler(v -> onClosed(ws));
    ws.exceptionHandler(e -> {});
    ws.connect(
            new WebSocketConnectOptions()
                .setPort(port.getAsInt())
                .setHost("127.0.0.1")
                .setURI("/ws/calls/transcriptions?token=" + token))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                retryLater();
                return;
              }
              socket = ws;
              connections++;
              List<String> open = new ArrayList<>();
              calls.forEach(
                  (sid, log) -> {
                    if (!log.completed) {
                      open.add(sid);
                    }
                  });
              for (String sid : open) {
                ws.writeTextMessage(
                    new JsonObject().put("subscribe", sid).put("since", log(sid).last()).encode());
              }
            });
  }

  private void onClosed(ClientWebSocket ws) {
    Short code = ws.closeStatusCode();
    closeCodes.add(code == null ? (short) 1006 : code);
    if (reconnect && !closing) {
      retryLater();
    }
  }

  private void retryLater() {
    if (!closing) {
      vertx.setTimer(200, t -> connect());
    }
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    String type = f.getString("type");
    switch (type) {
      case "subscription_confirmed" -> confirmations++;
      case "transcription" -> {
        CallLog log = log(f.getString("call_sid"));
        log.types.add(type);
        log.sequenceNumbers.add(f.getInteger("sequence_number"));
      }
      case "call_status" -> log(f.getString("call_sid")).types.add(type);
      case "call_completed" -> {
        CallLog log = log(f.getString("call_sid"));
        log.types.add(type);
        log.completed = true;
      }
      case "error" -> errors.add(f);
      default -> {}
    }
  }

  public boolean allCompleted() {
    return calls.values().stream().allMatch(l -> l.completed);
  }

  public void close() {
    closing = true;
    ClientWebSocket ws = socket;
    if (ws != null) {
      ws.close();
    }
  }
}
