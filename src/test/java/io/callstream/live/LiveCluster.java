package io.callstream.live;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.support.ClusterExtension;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;

/** Live-test helpers: the two-node set-up of the live tests, client messages. */
final class LiveCluster {
  private LiveCluster() {}

  /**
   * Two clustered nodes whose live role is ready both ways: events published on each node reach a
   * dashboard subscribed on the other (a node learns the other's consumers only a moment after they
   * register).
   */
  static ClusterExtension twoNodes(String schemaPrefix, Map<String, String> settings) {
    return ClusterExtension.twoNodes(schemaPrefix)
        .settings(settings)
        .ready(c -> c.awaitVisible((from, to) -> forwards(c, from, to)));
  }

  /**
   * One probe: a non-final call_status published on one node, awaited briefly on a socket on the
   * other.
   */
  private static boolean forwards(ClusterExtension c, Node from, Node to) {
    Call call = CallFeed.newCall(from);
    TestSocket s = TestSocket.open(c.webSockets(), to.port(), c.token());
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
