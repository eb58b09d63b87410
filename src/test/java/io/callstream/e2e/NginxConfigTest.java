package io.callstream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.Nginx;
import io.callstream.support.Ports;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's nginx configuration (issue 12, finding 7): a dashboard's ?token= never reaches the
 * access log, and no form of /metrics passes the load balancer.
 */
class NginxConfigTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Nginx nginx;
  static Vertx vertx;
  static WebClient client;

  @BeforeAll
  static void setUp() throws Exception {
    schema = TestDatabase.freshSchema("nginxconf");
    node = nodes.start(TestConfig.config(schema));
    nginx = Nginx.start(List.of(node.port()));
    vertx = Vertx.vertx();
    client =
        Http.unchecked(
            vertx); // nginx answers its own 404s for /metrics, which the node's API does not
  }

  @AfterAll
  static void tearDown() throws Exception {
    nginx.close();
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  @Test
  void metricsInAnyFormStayOffTheLoadBalancer() {
    for (String path : List.of("/metrics", "/metrics/", "/metrics/x", "/metrics?x=1")) {
      assertEquals(
          404, Await.result(client.get(nginx.port(), "127.0.0.1", path).send()).statusCode(), path);
    }
    assertEquals(
        200,
        Await.result(client.get(node.port(), "127.0.0.1", "/metrics").send()).statusCode(),
        "each node still serves its own /metrics");
    assertEquals(
        200, Await.result(client.get(nginx.port(), "127.0.0.1", "/health").send()).statusCode());
  }

  @Test
  void aTokenInTheQueryNeverReachesTheAccessLog() throws Exception {
    String secret = "eyJhbGciOiJIUzI1NiJ9.not-a-real-token-but-a-secret.sig";
    // refused (the token is invalid), logged all the same: what matters is the line nginx writes
    Throwable refused =
        Await.failure(
            vertx
                .createWebSocketClient()
                .connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(nginx.port())
                        .setURI("/ws/calls/transcriptions?token=" + secret)));
    assertTrue(refused.getMessage().contains("403"), refused.getMessage());
    Await.result(client.get(nginx.port(), "127.0.0.1", "/calls?token=" + secret).send());
    Await.until("nginx wrote both lines", () -> lines() >= 2);
    String log = Files.readString(nginx.accessLog());
    assertTrue(log.contains("/ws/calls/transcriptions"), log);
    assertFalse(log.contains(secret), log);
    assertFalse(log.contains("token="), log);
  }

  /**
   * Issue 19, defect 2: nginx's error log writes the request line of an upstream error, query
   * string included; a /ws/ request with a query (an older client's ?token=) is proxied where only
   * critical errors are logged.
   */
  @Test
  void aTokenInTheQueryNeverReachesTheErrorLogWhenTheUpstreamFails() throws Exception {
    String secret = "eyJhbGciOiJIUzI1NiJ9.another-secret-for-the-error-log.sig";
    try (Nginx dead =
        Nginx.start(
            List.of(Ports.free()))) { // nothing listens there: every request is an upstream error
      Throwable withToken =
          Await.failure(
              vertx
                  .createWebSocketClient()
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(dead.port())
                          .setURI("/ws/calls/transcriptions?token=" + secret)));
      assertTrue(withToken.getMessage().contains("502"), withToken.getMessage());
      // a request without a query after it: its error is logged, so the log is written and in order
      Throwable without =
          Await.failure(
              vertx
                  .createWebSocketClient()
                  .connect(
                      new WebSocketConnectOptions()
                          .setHost("127.0.0.1")
                          .setPort(dead.port())
                          .setURI("/ws/calls/transcriptions")));
      assertTrue(without.getMessage().contains("502"), without.getMessage());
      Await.until(
          "nginx logged the second request's upstream error",
          () -> read(dead.errorLog()).contains("\"GET /ws/calls/transcriptions HTTP/1.1\""));
      String log = read(dead.errorLog());
      assertFalse(log.contains(secret), log);
      assertFalse(log.contains("token="), log);
    }
  }

  private static String read(java.nio.file.Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static long lines() {
    try {
      return Files.exists(nginx.accessLog()) ? Files.readAllLines(nginx.accessLog()).size() : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
