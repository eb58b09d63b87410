package io.callstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TcpProxy;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * /health always 200; /ready follows the database (through a proxy that can be cut) and /metrics is
 * Prometheus.
 */
@ExtendWith(VertxExtension.class)
class ReadinessTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("ready");
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  private static HttpResponse<Buffer> get(WebClient client, int port, String path) {
    return Await.result(client.get(port, "127.0.0.1", path).send());
  }

  /** Polls until the status is reached (readiness changes are observed, not slept for). */
  private static HttpResponse<Buffer> awaitStatus(
      WebClient client, int port, String path, int status) {
    return Await.latest(
        () -> get(client, port, path), r -> r.statusCode() == status, Await.TIMEOUT);
  }

  /** Polls /metrics until it has the line (the probe runs every 5 s). */
  private static void awaitMetric(WebClient client, int port, String line) {
    Await.until(
        "/metrics shows " + line,
        () -> get(client, port, "/metrics").bodyAsString().lines().anyMatch(line::equals));
  }

  @Test
  void readyFollowsTheDatabase(Vertx vertx) {
    TcpProxy proxy = new TcpProxy(vertx, "127.0.0.1", 5432);
    Await.result(proxy.up());
    String url = TestDatabase.URL.replace(":5432/", ":" + proxy.port() + "/");
    Node node = nodes.start(TestConfig.config(schema, Map.of("DATABASE_URL", url)));
    WebClient client = Http.client(vertx);

    assertEquals(200, get(client, node.port(), "/health").statusCode());
    HttpResponse<Buffer> ready = awaitStatus(client, node.port(), "/ready", 200);
    assertEquals(200, ready.statusCode());
    assertEquals("ready", ready.bodyAsJsonObject().getString("status"));

    Await.result(proxy.down());
    HttpResponse<Buffer> down = awaitStatus(client, node.port(), "/ready", 503);
    assertEquals(503, down.statusCode());
    // a fixed reason: the driver's error text (hosts, users) is logged, not served
    assertEquals(
        "database unavailable", down.bodyAsJsonObject().getString("reason"), down.bodyAsString());
    assertEquals(200, get(client, node.port(), "/health").statusCode());
    // the CallstreamDatabaseDown alert's gauge follows the same probe
    awaitMetric(client, node.port(), "callstream_database_up 0.0");

    Await.result(proxy.up());
    assertEquals(200, awaitStatus(client, node.port(), "/ready", 200).statusCode());
    awaitMetric(client, node.port(), "callstream_database_up 1.0");

    HttpResponse<Buffer> metrics = get(client, node.port(), "/metrics");
    assertEquals(200, metrics.statusCode());
    String text = metrics.bodyAsString();
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(text.contains("vertx_http_server_requests_total"), "HTTP metrics");
    assertTrue(
        text.lines().anyMatch("callstream_cluster_members 1.0"::equals),
        "a standalone node is its own cluster");

    HttpResponse<Buffer> missing = get(client, node.port(), "/no/such/thing");
    assertEquals(404, missing.statusCode());
    assertEquals("error", missing.bodyAsJsonObject().getString("status"));
  }
}
