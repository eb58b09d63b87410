package io.callstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Http;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two clustered nodes in one JVM see each other: both ready, and a publish on one reaches the other. */
@ExtendWith(VertxExtension.class)
class ClusterTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("cluster");
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  @Test
  void twoNodesFormAClusterAndShareTheEventBus(Vertx vertx, VertxTestContext ctx) throws Exception {
    List<Node> cluster = nodes.startCluster(schema, 2, Map.of("HTTP_INSTANCES", "1"));
    Node a = cluster.get(0);
    Node b = cluster.get(1);
    WebClient client = Http.client(vertx);
    for (Node n : cluster) {
      var ready = TestNodes.await(client.get(n.port(), "127.0.0.1", "/ready").send());
      assertEquals(200, ready.statusCode(), ready.bodyAsString());
      assertEquals(true, ready.bodyAsJsonObject().getBoolean("clustered"));
    }
    String address = "test.cluster.ping";
    // the consumer on B must be known cluster-wide before A publishes: B answers A's requests once it is
    TestNodes.await(b.vertx().eventBus().<String>consumer(address, m -> {
      if (m.replyAddress() != null) {
        m.reply("pong");
      } else {
        ctx.verify(() -> assertEquals("hello from A", m.body()));
        ctx.completeNow();
      }
    }).completion());
    awaitRoute(a, address);
    a.vertx().eventBus().publish(address, "hello from A");
    ctx.awaitCompletion(20, TimeUnit.SECONDS);
  }

  private static void awaitRoute(Node from, String address) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        TestNodes.await(from.vertx().eventBus().request(address, "ping").timeout(500, TimeUnit.MILLISECONDS));
        return;
      } catch (IllegalStateException notYet) {
        // no handler known yet on this node: ask again
      }
    }
    throw new AssertionError("consumer never became visible across the cluster");
  }
}
