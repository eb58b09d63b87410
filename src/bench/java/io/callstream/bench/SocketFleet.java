package io.callstream.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Many dashboard sockets from this JVM: each connects, sends one text message (a subscribe) and
 * counts as open once the server confirms it. Connections come from several loopback source
 * addresses (127.0.0.2 ...) so that the ephemeral ports of one address never run short, and at most
 * {@link #WINDOW} handshakes are in flight.
 */
final class SocketFleet {
  /**
   * Receives every frame after the confirmation: the socket's index, the text, System.nanoTime() at
   * receipt.
   */
  interface FrameListener {
    void onFrame(int socket, String text, long nanos);
  }

  static final int SOURCE_ADDRESSES = 16;
  private static final int WINDOW = 200;

  private final List<WebSocketClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<ClientWebSocket> open = new ConcurrentLinkedQueue<>();

  SocketFleet(Vertx vertx) {
    for (int i = 0; i < SOURCE_ADDRESSES; i++) {
      clients.add(
          vertx.createWebSocketClient(
              new WebSocketClientOptions()
                  .setDefaultHost("127.0.0.1")
                  .setLocalAddress("127.0.0." + (2 + i))
                  .setMaxConnections(20_000)
                  .setConnectTimeout(30_000)
                  .setTcpNoDelay(true)));
    }
  }

  int size() {
    return open.size();
  }

  /**
   * Opens {@code count} sockets to {@code uri} on {@code port}, numbered from {@code firstIndex};
   * socket i sends {@code message.apply(i)}. Returns when all are confirmed; fails when one fails
   * or the time is up.
   */
  void open(
      int port,
      String uri,
      int firstIndex,
      int count,
      IntFunction<String> message,
      FrameListener listener,
      long timeoutSeconds)
      throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger(firstIndex);
    AtomicInteger confirmed = new AtomicInteger();
    int end = firstIndex + count;
    Runnable[] launch = new Runnable[1];
    launch[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= end) {
            return;
          }
          ClientWebSocket ws = clients.get(i % clients.size()).webSocket();
          boolean[] isConfirmed = new boolean[1];
          ws.textMessageHandler(
              text -> {
                if (isConfirmed[0]) {
                  listener.onFrame(i, text, System.nanoTime());
                } else if (text.contains("subscription_confirmed")) {
                  isConfirmed[0] = true;
                  open.add(ws);
                  if (confirmed.incrementAndGet() == count) {
                    done.complete(null);
                  }
                  launch[0].run();
                } else {
                  done.completeExceptionally(
                      new IllegalStateException("socket " + i + " got " + text));
                }
              });
          ws.exceptionHandler(e -> {});
          ws.connect(new WebSocketConnectOptions().setPort(port).setHost("127.0.0.1").setURI(uri))
              .onSuccess(v -> ws.writeTextMessage(message.apply(i)))
              .onFailure(
                  e ->
                      done.completeExceptionally(
                          new IllegalStateException("socket " + i + ": " + e, e)));
        };
    for (int w = 0; w < Math.min(WINDOW, count); w++) {
      launch[0].run();
    }
    try {
      done.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "only "
              + confirmed.get()
              + " of "
              + count
              + " sockets confirmed in "
              + timeoutSeconds
              + " s");
    }
  }

  /** Closes every open socket and waits (bounded) until they are closed. */
  void closeAll(long timeoutSeconds) throws InterruptedException {
    List<ClientWebSocket> all = new ArrayList<>(open);
    open.clear();
    CountDownLatch closed = new CountDownLatch(all.size());
    for (ClientWebSocket ws : all) {
      ws.close().onComplete(ar -> closed.countDown());
    }
    if (!closed.await(timeoutSeconds, TimeUnit.SECONDS)) {
      System.out.println(
          "  ("
              + closed.getCount()
              + " sockets did not finish closing in "
              + timeoutSeconds
              + " s)");
    }
  }
}
