package io.callstream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Main;
import io.callstream.auth.LoginThrottle;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.Nginx;
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
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 6: the login throttle behind nginx running the rendered shipped template, with
 * TRUSTED_PROXIES=127.0.0.1 (nginx's address). Clients are told apart by their loopback source
 * address (127.0.0.2, 127.0.0.3, ...: all of 127.0.0.0/8 is local on Linux), which only nginx can
 * report, in the X-Forwarded-For it appends to.
 */
class ForwardedForThroughNginxTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Nginx nginx;
  static Vertx vertx;

  @BeforeAll
  static void setUp() throws Exception {
    schema = TestDatabase.freshSchema("xff");
    vertx = Vertx.vertx();
    assertEquals(
        0,
        Main.run(
            List.of("user", "add", "gina", "--role", "dispatcher"),
            Map.of(
                "DATABASE_URL",
                TestDatabase.URL,
                "DB_SCHEMA",
                schema,
                "CALLSTREAM_PASSWORD",
                "ginas-password")));
    var node = nodes.start(TestConfig.config(schema, Map.of("TRUSTED_PROXIES", "127.0.0.1")));
    nginx = Nginx.start(List.of(node.port()));
  }

  @AfterAll
  static void tearDown() throws Exception {
    nginx.close();
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  /** A client whose connections to nginx come from this loopback address. */
  static WebClient from(String localAddress) {
    return Http.client(
        vertx,
        new WebClientOptions()
            .setDefaultHost("127.0.0.1")
            .setDefaultPort(nginx.port())
            .setLocalAddress(localAddress),
        new PoolOptions().setHttp1MaxSize(100));
  }

  static Future<HttpResponse<Buffer>> login(
      WebClient client, String user, String password, String forwardedFor) {
    var request = client.post("/auth/token");
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return request.sendJsonObject(new JsonObject().put("username", user).put("password", password));
  }

  /**
   * {@code n} failing logins in parallel (other usernames each, so only the address limit applies).
   */
  static List<Integer> guesses(
      WebClient client, int n, String prefix, IntFunction<String> forwardedFor) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(login(client, prefix + i, "guess-" + i, forwardedFor.apply(i)));
    }
    Await.result(Future.join(sent));
    return sent.stream().map(f -> f.result().statusCode()).toList();
  }

  @Test
  void aClientSpoofingANewForwardedForWithEachGuessIsThrottled() {
    WebClient spoofer = from("127.0.0.4");
    List<Integer> statuses =
        guesses(spoofer, LoginThrottle.MAX_PER_ADDRESS + 10, "spoof-", i -> "192.0.2." + i);
    assertEquals(
        LoginThrottle.MAX_PER_ADDRESS,
        statuses.stream().filter(s -> s == 401).count(),
        statuses.toString());
    assertEquals(10, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
  }

  @Test
  void aThrottledClientDoesNotLockOutAnotherOne() {
    WebClient attacker = from("127.0.0.2");
    List<Integer> statuses =
        guesses(attacker, LoginThrottle.MAX_PER_ADDRESS + 5, "nobody-", i -> null);
    assertTrue(statuses.contains(429), statuses.toString());
    HttpResponse<Buffer> blocked = Await.result(login(attacker, "gina", "ginas-password", null));
    assertEquals(429, blocked.statusCode(), blocked.bodyAsString());
    // a dispatcher from another address signs in
    HttpResponse<Buffer> dispatcher =
        Await.result(login(from("127.0.0.3"), "gina", "ginas-password", null));
    assertEquals(200, dispatcher.statusCode(), dispatcher.bodyAsString());
  }
}
