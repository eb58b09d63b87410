package io.callstream.support;

import io.callstream.app.Node;
import io.callstream.config.Config;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts real callstream nodes in this JVM: one standalone, or a cluster of several Hazelcast
 * members on free loopback ports (so they never collide with a running node), all on the same
 * migrated schema.
 */
public final class TestNodes implements AutoCloseable {
  private final List<Node> nodes = new ArrayList<>();

  public Node start(Config config) {
    Node node = Await.result(Node.start(config));
    nodes.add(node);
    return node;
  }

  public List<Node> startCluster(String schema, int count, Map<String, String> overrides) {
    int[] ports = new int[count];
    for (int i = 0; i < count; i++) {
      ports[i] = Ports.free();
    }
    List<Future<Node>> starting = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      starting.add(Node.start(TestConfig.clustered(schema, ports, i, overrides)));
    }
    List<Node> started = new ArrayList<>();
    for (Future<Node> f : starting) {
      Node n = Await.result(f);
      nodes.add(n);
      started.add(n);
    }
    return started;
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      try {
        n.shutdown(30);
      } catch (Exception ignored) {
        // best effort
      }
    }
    nodes.clear();
  }
}
