package io.callstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.auth.Tokens;
import io.callstream.live.LiveRole;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 9: what a client sends (HTTP methods, paths, WebSocket close codes) cannot grow
 * /metrics; the labels come from known sets.
 */
class MetricsCardinalityTest {
  /**
   * Lines the invented input may add at most (an "other" or "unmatched" series, not one per value).
   */
  static final int HANDFUL = 40;

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static Node node;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("cardinality");
    node = nodes.start(TestConfig.config(schema, Map.of()));
    vertx = Vertx.vertx();
    client = Http.client(vertx);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  static String scrape() {
    var r = Await.result(client.get(node.port(), "127.0.0.1", "/metrics").send());
    assertEquals(200, r.statusCode());
    return r.bodyAsString();
  }

  static long lines(String scrape) {
    return scrape.lines().count();
  }

  @Test
  void inventedMethodsAndPathsAddAtMostAHandfulOfLines() {
    // warm up the series legitimate traffic creates: an unknown method and an unknown path, once
    // each
    Await.result(
        client.request(HttpMethod.valueOf("WARMUP"), node.port(), "127.0.0.1", "/health").send());
    Await.result(client.get(node.port(), "127.0.0.1", "/no/such/path/warmup").send());
    long before = lines(scrape());
    for (int i = 0; i < 60; i++) {
      Await.result(
          client
              .request(HttpMethod.valueOf("INVENTED" + i), node.port(), "127.0.0.1", "/health")
              .send());
      Await.result(client.get(node.port(), "127.0.0.1", "/no/such/path/" + i).send());
    }
    String after = scrape();
    System.out.println(
        "metrics: /metrics lines before "
            + before
            + ", after 120 invented requests "
            + lines(after));
    assertTrue(
        lines(after) - before <= HANDFUL,
        "60 invented methods and 60 paths added "
            + (lines(after) - before)
            + " lines to /metrics ("
            + before
            + " -> "
            + lines(after)
            + ")");
    assertTrue(
        !after.contains("INVENTED") && !after.contains("/no/such/path"),
        "a client's input is a label value");
    assertTrue(
        after.contains("method=\"other\"") && after.contains("route=\"unmatched\""),
        "other and unmatched");
  }

  @Test
  void closeCodesChosenByClientsAddAtMostAHandfulOfLines() {
    String token = new Tokens(vertx, node.config().auth()).issue("dispatcher1", "dispatcher");
    WebSocketClient sockets = vertx.createWebSocketClient();
    closeWith(sockets, token, 4999); // warm-up: the "other" series exists
    long before = lines(scrape());
    for (int i = 0; i < 60; i++) {
      closeWith(sockets, token, 4000 + i);
    }
    Await.until(
        "the node counted 61 disconnects",
        () ->
            node.registry().find("callstream_ws_disconnects").counters().stream()
                    .mapToDouble(Counter::count)
                    .sum()
                >= 61);
    String after = scrape();
    System.out.println(
        "metrics: /metrics lines before " + before + ", after 60 close codes " + lines(after));
    assertTrue(
        lines(after) - before <= HANDFUL,
        "60 close codes added "
            + (lines(after) - before)
            + " lines to /metrics ("
            + before
            + " -> "
            + lines(after)
            + ")");
    assertTrue(!after.contains("code=\"4001\""), "a client's close code is a label value");
    assertTrue(
        after.contains("callstream_ws_disconnects_total{code=\"other\"} 61"), "counted as other");
  }

  private static void closeWith(WebSocketClient sockets, String token, int code) {
    WebSocket ws =
        Await.result(sockets.connect(node.port(), "127.0.0.1", LiveRole.PATH + "?token=" + token));
    Await.result(ws.close((short) code));
  }
}
