package io.callstream.live;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.support.TwoNodeCluster;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** Live-test helpers: the live role's route across a {@link TwoNodeCluster}, client messages. */
final class LiveCluster {
  private LiveCluster() {}

  /** Waits until events published on each node reach a dashboard subscribed on the other. */
  static void awaitVisible(TwoNodeCluster cluster, WebSocketClient client, String token) {
    cluster.awaitVisible((from, to) -> forwards(client, token, from, to));
  }

  /** One probe: a non-final call_status published on one node, awaited briefly on a socket on the other. */
  private static boolean forwards(WebSocketClient client, String token, Node from, Node to) {
    Call call = CallFeed.newCall(from);
    TestSocket s = TestSocket.open(client, to.port(), token);
    try {
      s.subscribe(call.callSid(), null);
      CallFeed.probe(from, call);
      return s.poll(Duration.ofMillis(300)) != null;
    } finally {
      s.close();
    }
  }

  static JsonObject message(String key, Object value) {
    return new JsonObject().put(key, value);
  }
}
