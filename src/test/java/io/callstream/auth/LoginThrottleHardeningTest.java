package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Main;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The login throttle under attack: a parallel burst of guesses (each attempt is counted before its
 * hash runs), and clients behind a trusted proxy (told apart by X-Forwarded-For, which is believed
 * only from that proxy).
 */
class LoginThrottleHardeningTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("throttle");
    vertx = Vertx.vertx();
    // enough connections that a burst is really parallel, not queued behind five
    client =
        Http.client(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1"),
            new PoolOptions().setHttp1MaxSize(200));
    assertEquals(0, userAdd("erin", "erins-password"));
    assertEquals(0, userAdd("frank", "franks-password"));
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static int userAdd(String name, String password) {
    return Main.run(
        List.of("user", "add", name, "--role", "dispatcher"),
        Map.of(
            "DATABASE_URL",
            TestDatabase.URL,
            "DB_SCHEMA",
            schema,
            "CALLSTREAM_PASSWORD",
            password));
  }

  static Future<HttpResponse<Buffer>> login(
      Node node, String username, String password, String forwardedFor) {
    var request = client.post(node.port(), "127.0.0.1", "/auth/token");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return request.sendJsonObject(
        new JsonObject().put("username", username).put("password", password));
  }

  static List<Integer> burst(Node node, int n, String username, String forwardedFor) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(login(node, username.replace("#", String.valueOf(i)), "guess-" + i, forwardedFor));
    }
    Await.result(Future.join(sent));
    return sent.stream().map(f -> f.result().statusCode()).toList();
  }

  @Test
  void aParallelBurstOfGuessesGetsNoMoreThanTheLimitChecked() {
    Node node = nodes.start(TestConfig.config(schema, Map.of("HTTP_INSTANCES", "2")));
    List<Integer> statuses = burst(node, 40, "erin", null);
    long checked = statuses.stream().filter(s -> s == 401).count();
    long refused = statuses.stream().filter(s -> s == 429).count();
    assertEquals(LoginThrottle.MAX_PER_USER, checked, statuses.toString());
    assertEquals(40 - LoginThrottle.MAX_PER_USER, refused, statuses.toString());
    // the right password is refused too while the window lasts
    assertEquals(429, Await.result(login(node, "erin", "erins-password", null)).statusCode());
  }

  @Test
  void clientsBehindATrustedProxyAreThrottledOneByOne() {
    Node node =
        nodes.start(TestConfig.config(schema, Map.of("TRUSTED_PROXIES", "10.9.0.0/16, 127.0.0.1")));
    // one client behind the proxy guesses across many usernames until its address is blocked
    List<Integer> statuses =
        burst(node, LoginThrottle.MAX_PER_ADDRESS + 5, "nobody-#", "203.0.113.7");
    assertEquals(
        LoginThrottle.MAX_PER_ADDRESS,
        statuses.stream().filter(s -> s == 401).count(),
        statuses.toString());
    assertEquals(
        429, Await.result(login(node, "frank", "franks-password", "203.0.113.7")).statusCode());
    // another client behind the same proxy is not locked out
    HttpResponse<Buffer> other =
        Await.result(login(node, "frank", "franks-password", "198.51.100.4"));
    assertEquals(200, other.statusCode(), other.bodyAsString());
    // the blocked client cannot escape by prepending an address of its own: the proxy appends what
    // it saw
    HttpResponse<Buffer> spoofed =
        Await.result(login(node, "frank", "franks-password", "198.51.100.99, 203.0.113.7"));
    assertEquals(429, spoofed.statusCode(), spoofed.bodyAsString());
    // chains of trusted proxies are walked from the right
    assertEquals(
        429,
        Await.result(login(node, "frank", "franks-password", "203.0.113.7, 10.9.3.4"))
            .statusCode());
  }

  @Test
  void forwardedForFromAnUntrustedPeerIsIgnored() {
    Node node = nodes.start(TestConfig.config(schema));
    List<Integer> statuses = new ArrayList<>();
    for (int batch = 0; batch < 2; batch++) {
      // every request claims another address; the peer (127.0.0.1) is what counts
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        sent.add(login(node, "ghost-" + batch + "-" + i, "guess", "192.0.2." + (batch * 30 + i)));
      }
      Await.result(Future.join(sent));
      sent.forEach(f -> statuses.add(f.result().statusCode()));
    }
    assertEquals(
        LoginThrottle.MAX_PER_ADDRESS,
        statuses.stream().filter(s -> s == 401).count(),
        statuses.toString());
    assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 429), statuses.toString());
  }
}
