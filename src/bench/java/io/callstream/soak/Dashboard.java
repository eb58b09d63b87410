package io.callstream.soak;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A dispatcher's console as src/main/resources/webroot/live.js behaves, through nginx: watches the
 * fleet feed, follows a share of the calls it sees start (subscribe since 0), re-subscribes with
 * {@code since} = the last turn it got after any close (and watches again), refreshes its token
 * with {@code {"auth": JWT}} well before expiry. Records every transcription per call and every
 * close with its time. Event-loop confined (one Vert.x context).
 */
final class Dashboard {
  /** One followed call. */
  static final class Followed {
    final List<Integer> sequence = new ArrayList<>();
    volatile boolean completed;
    int completions;

    /** What happened to this follow, for the report when it fails: "+ms event" entries. */
    final List<String> trace = new CopyOnWriteArrayList<>();

    final long since = System.currentTimeMillis();

    {
      trace.add("at " + java.time.Instant.ofEpochMilli(since));
    }

    void note(String what) {
      if (trace.size() < 40) {
        trace.add("+" + (System.currentTimeMillis() - since) + "ms " + what);
      }
    }
  }

  /**
   * A closed connection: when, the code (1006: no close frame), the reason, how long it had been
   * open.
   */
  record Close(long atMillis, int code, String reason, long openMillis) {}

  static final int MAX_FOLLOWED_OPEN = 40;
  static final AtomicLong FRAMES = new AtomicLong();

  private final Vertx vertx;
  private final WebSocketClient client;
  private final int port;
  private final Supplier<String> token;
  private final double followShare;
  private final Random random;
  final int id;
  final Map<String, Followed> followed = new ConcurrentHashMap<>();
  final List<Close> closes = new CopyOnWriteArrayList<>();
  final List<String> errors = new CopyOnWriteArrayList<>();
  volatile int connections;
  private long attempts;
  private ClientWebSocket socket;
  private volatile boolean stopping;
  private long refreshTimer = -1;

  Dashboard(
      Vertx vertx,
      WebSocketClient client,
      int id,
      int port,
      Supplier<String> token,
      double followShare) {
    this.vertx = vertx;
    this.client = client;
    this.id = id;
    this.port = port;
    this.token = token;
    this.followShare = followShare;
    this.random = new Random(id);
  }

  void start(long refreshEveryMs) {
    connect();
    refreshTimer =
        vertx.setPeriodic(
            refreshEveryMs + random.nextInt(5_000),
            t -> {
              ClientWebSocket ws = socket;
              if (ws != null && !ws.isClosed()) {
                ws.writeTextMessage(new JsonObject().put("auth", token.get()).encode());
              }
            });
  }

  private void connect() {
    if (stopping) {
      return;
    }
    ClientWebSocket ws = client.webSocket();
    long attempt = ++attempts;
    noteOpen("connect attempt " + attempt);
    ws.textMessageHandler(this::onFrame);
    ws.exceptionHandler(e -> {});
    long[] openedAt = {0};
    ws.closeHandler(
        v -> {
          Short code = ws.closeStatusCode();
          long now = System.currentTimeMillis();
          closes.add(
              new Close(
                  now,
                  code == null ? 1006 : code,
                  ws.closeReason(),
                  openedAt[0] == 0 ? 0 : now - openedAt[0]));
          socket = null;
          noteOpen("closed " + (code == null ? 1006 : code));
          retryLater();
        });
    ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/ws/calls/transcriptions?token=" + token.get()))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                noteOpen("connect attempt " + attempt + " failed: " + ar.cause().getMessage());
                retryLater();
                return;
              }
              socket = ws;
              openedAt[0] = System.currentTimeMillis();
              connections++;
              ws.writeTextMessage("{\"watch\":\"calls\"}");
              followed.forEach(
                  (sid, f) -> {
                    if (!f.completed) {
                      f.note("resubscribe on connection " + connections);
                      ws.writeTextMessage(subscribe(sid, f));
                    }
                  });
            });
  }

  private void noteOpen(String what) {
    followed.values().stream().filter(f -> !f.completed).forEach(f -> f.note(what));
  }

  private static String subscribe(String sid, Followed f) {
    int since = f.sequence.isEmpty() ? 0 : f.sequence.get(f.sequence.size() - 1);
    return new JsonObject().put("subscribe", sid).put("since", since).encode();
  }

  private void retryLater() {
    if (!stopping) {
      vertx.setTimer(250 + random.nextInt(750), t -> connect());
    }
  }

  private void onFrame(String text) {
    FRAMES.incrementAndGet();
    JsonObject f = new JsonObject(text);
    String sid = f.getString("call_sid");
    switch (String.valueOf(f.getString("type"))) {
      case "call_started" -> maybeFollow(sid);
      case "transcription" -> {
        Followed c = followed.get(sid);
        if (c != null) {
          c.sequence.add(f.getInteger("sequence_number"));
        }
      }
      case "call_completed" -> {
        Followed c = followed.get(sid);
        if (c != null && isSubscriptionEnd(f)) {
          c.completed = true;
          c.completions++;
        }
      }
      case "subscription_confirmed" -> {
        Followed c = followed.get(f.getString("identifier"));
        if (c != null) {
          c.note("confirmed (" + f.getString("status") + ")");
        }
      }
      case "error" -> {
        errors.add(f.getString("code") + ": " + f.getString("message"));
        Followed c = followed.get(f.getString("identifier"));
        if (c != null) {
          c.note("error " + f.getString("code"));
        }
      }
      default -> {}
    }
  }

  /**
   * The fleet feed sends call_completed too; only the subscription's own one counts (it carries
   * call_data).
   */
  private static boolean isSubscriptionEnd(JsonObject f) {
    return f.containsKey("call_data");
  }

  private void maybeFollow(String sid) {
    if (sid == null || followed.containsKey(sid) || random.nextDouble() >= followShare) {
      return;
    }
    long open = followed.values().stream().filter(c -> !c.completed).count();
    if (open >= MAX_FOLLOWED_OPEN) {
      return;
    }
    Followed c = new Followed();
    followed.put(sid, c);
    ClientWebSocket ws = socket;
    if (ws != null) {
      c.note("subscribe on connection " + connections);
      ws.writeTextMessage(subscribe(sid, c));
    } else {
      c.note("followed while disconnected");
    }
  }

  /** Connected now (an open socket, not waiting to reconnect). */
  boolean connected() {
    ClientWebSocket ws = socket;
    return ws != null && !ws.isClosed();
  }

  void stop() {
    stopping = true;
    vertx.cancelTimer(refreshTimer);
    ClientWebSocket ws = socket;
    if (ws != null) {
      ws.close();
    }
  }
}
