package io.callstream.live;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Cluster helpers for the live tests. */
final class LiveCluster {
  private LiveCluster() {}

  /**
   * Waits until events published on each node reach a subscriber on the other (the event-bus registrations of
   * a node become visible to the others only after a short delay): probes until one arrives.
   */
  static void awaitVisible(WebSocketClient client, String token, Node a, Node b) {
    awaitRoute(client, token, a, b);
    awaitRoute(client, token, b, a);
  }

  private static void awaitRoute(WebSocketClient client, String token, Node from, Node to) {
    Call call = CallFeed.newCall(from);
    TestSocket s = TestSocket.open(client, to.port(), token);
    s.subscribe(call.callSid(), null);
    long deadline = System.currentTimeMillis() + 30_000;
    try {
      while (System.currentTimeMillis() < deadline) {
        CallFeed.probe(from, call);
        if (s.frames.poll(300, TimeUnit.MILLISECONDS) != null) {
          return;
        }
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      s.close();
    }
    throw new AssertionError("events from one node never reached the other");
  }

  static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    throw new AssertionError("expected a failure");
  }

  static JsonObject message(String key, Object value) {
    return new JsonObject().put(key, value);
  }
}
