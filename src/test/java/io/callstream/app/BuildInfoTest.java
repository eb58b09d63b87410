package io.callstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

/**
 * A running node names its build: the version in /health, callstream_build_info{version,commit} 1
 * in /metrics.
 */
class BuildInfoTest {
  @Test
  void healthAndMetricsNameTheBuild() {
    String schema = TestDatabase.freshSchema("buildinfo");
    Vertx vertx = Vertx.vertx();
    try (TestNodes nodes = new TestNodes()) {
      Node node = nodes.start(TestConfig.config(schema));
      WebClient client = Http.client(vertx);
      var health = Await.result(client.get(node.port(), "127.0.0.1", "/health").send());
      assertEquals(200, health.statusCode());
      assertEquals(BuildInfo.CURRENT.version(), health.bodyAsJsonObject().getString("version"));
      String metrics =
          Await.result(client.get(node.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
      String expected =
          "callstream_build_info{commit=\""
              + BuildInfo.CURRENT.commit()
              + "\",version=\""
              + BuildInfo.CURRENT.version()
              + "\"} 1";
      assertTrue(
          metrics.lines().anyMatch(expected::equals),
          "no "
              + expected
              + " in "
              + metrics.lines().filter(l -> l.contains("callstream_build")).toList());
    } finally {
      Await.result(vertx.close());
      TestDatabase.dropSchema(schema);
    }
  }
}
