package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.DashboardClient;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions (docs/sessions.md) against one node with two verticle instances (each with its own
 * revocation cache) and REVOCATION_CHECK_SECONDS=2: a refresh re-issues a token; a sign-out revokes
 * every earlier token on HTTP (401 TOKEN_REVOKED) and on the WebSocket (TOKEN_EXPIRED, 4401) within
 * the bound, and no new socket opens with it; a disabled user cannot refresh and their tokens stop
 * working; a session past SESSION_MAX_HOURS cannot be refreshed.
 */
class SessionApiTest {
  static final int BOUND_SECONDS = 2;

  /** What the documented bound allows, plus slack for a loaded 2-core machine. */
  static final Duration WITHIN = Duration.ofSeconds(BOUND_SECONDS + 8);

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx vertx;
  static ApiClient api;
  static Tokens tokens;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("sessions");
    node =
        nodes.start(
            TestConfig.config(
                schema, Map.of("REVOCATION_CHECK_SECONDS", String.valueOf(BOUND_SECONDS))));
    vertx = Vertx.vertx();
    api = new ApiClient(vertx, node);
    tokens = new Tokens(vertx, node.config().auth());
    String hash = Passwords.hash("session-password");
    for (String user : List.of("sam", "dana", "olga", "walt")) {
      TestDatabase.execute(
          "INSERT INTO "
              + schema
              + ".users (username, password_hash, role) VALUES ('"
              + user
              + "', '"
              + hash
              + "', 'dispatcher')");
    }
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static String login(String username) {
    HttpResponse<Buffer> r =
        api.post(
            "/auth/token",
            null,
            new JsonObject().put("username", username).put("password", "session-password"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("access_token");
  }

  static String code(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getString("code");
  }

  /** Both instances answer in turn (keep-alive aside): probe until refused, return that answer. */
  static HttpResponse<Buffer> refusedWithin(String token) {
    return Await.latest(() -> api.get("/calls", token), r -> r.statusCode() == 401, WITHIN);
  }

  @Test
  void refreshReissuesAndLogoutRevokesEveryEarlierTokenWithinTheBound() {
    String first = login("sam");
    HttpResponse<Buffer> refreshed = api.post("/auth/refresh", first, null);
    assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
    JsonObject body = refreshed.bodyAsJsonObject();
    String second = body.getString("access_token");
    assertEquals("no-store", refreshed.getHeader("Cache-Control"));
    TokenClaims a = Await.result(tokens.verify(first));
    TokenClaims b = Await.result(tokens.verify(second));
    assertEquals("sam", b.subject());
    assertEquals("dispatcher", b.role());
    assertEquals(a.authTime(), b.authTime(), "the sign-in time is kept");
    assertEquals(
        a.authTime().plus(Duration.ofHours(12)),
        Instant.parse(body.getString("session_expires_at")));
    // both tokens work, on both instances (each request may land on either)
    for (int i = 0; i < 4; i++) {
      assertEquals(200, api.get("/calls", first).statusCode());
      assertEquals(200, api.get("/calls", second).statusCode());
    }
    DashboardClient socket = new DashboardClient(vertx, node::port, first, false);
    socket.start(List.of());
    Await.until("the socket is open", () -> socket.connections == 1);

    HttpResponse<Buffer> out = api.post("/auth/logout", second, null);
    assertEquals(204, out.statusCode(), out.bodyAsString());
    long loggedOut = System.nanoTime();

    for (String t : List.of(first, second)) {
      HttpResponse<Buffer> refused = refusedWithin(t);
      assertEquals(401, refused.statusCode(), refused.bodyAsString());
      assertEquals("TOKEN_REVOKED", code(refused));
    }
    Await.until(
        "the socket is closed with 4401", () -> socket.closeCodes.contains((short) 4401), WITHIN);
    long took = Duration.ofNanos(System.nanoTime() - loggedOut).toMillis();
    assertTrue(took < WITHIN.toMillis(), "revoked everywhere in " + took + " ms");
    assertTrue(
        socket.errors.stream()
            .anyMatch(
                e ->
                    "TOKEN_EXPIRED".equals(e.getString("code"))
                        && e.getString("message").contains("signed out")),
        socket.errors.toString());
    socket.close();
    // no refresh, no new socket with a revoked token
    HttpResponse<Buffer> refresh = api.post("/auth/refresh", first, null);
    assertEquals(401, refresh.statusCode());
    assertEquals("TOKEN_REVOKED", code(refresh));
    Throwable upgrade =
        Await.failure(
            vertx
                .createWebSocketClient()
                .connect(
                    new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(node.port())
                        .setURI("/ws/calls/transcriptions?token=" + second)));
    assertTrue(
        upgrade instanceof UpgradeRejectedException u && u.getStatus() == 403,
        "a revoked token opens no socket: " + upgrade);
    // signing in again starts a new session that works
    assertEquals(200, api.get("/calls", login("sam")).statusCode());
  }

  @Test
  void aDisabledUserCannotRefreshAndTheirTokensStop() {
    String token = login("dana");
    assertEquals(200, api.get("/calls", token).statusCode());
    TestDatabase.execute(
        "UPDATE " + schema + ".users SET disabled_at = now() WHERE username = 'dana'");
    HttpResponse<Buffer> refresh = api.post("/auth/refresh", token, null);
    assertEquals(401, refresh.statusCode(), refresh.bodyAsString());
    assertEquals("TOKEN_REVOKED", code(refresh));
    HttpResponse<Buffer> refused = refusedWithin(token);
    assertEquals(401, refused.statusCode());
    assertEquals("TOKEN_REVOKED", code(refused));
    assertTrue(ApiClient.error(refused).contains("disabled"), refused.bodyAsString());
  }

  @Test
  void aSessionPastSessionMaxHoursIsNotRefreshed() {
    String old =
        tokens.issue(
            "olga", "dispatcher", 0, Instant.now().minus(Duration.ofHours(12).plusMinutes(1)));
    assertEquals(200, api.get("/calls", old).statusCode(), "the token itself is still valid");
    HttpResponse<Buffer> refresh = api.post("/auth/refresh", old, null);
    assertEquals(401, refresh.statusCode(), refresh.bodyAsString());
    assertEquals("TOKEN_EXPIRED", code(refresh));
    // near the end, the new token ends with the session
    String late =
        tokens.issue(
            "olga", "dispatcher", 0, Instant.now().minus(Duration.ofHours(12).minusSeconds(100)));
    HttpResponse<Buffer> last = api.post("/auth/refresh", late, null);
    assertEquals(200, last.statusCode(), last.bodyAsString());
    assertTrue(last.bodyAsJsonObject().getInteger("expires_in") <= 100, last.bodyAsString());
  }

  @Test
  void refreshAndLogoutNeedAValidToken() {
    assertEquals(401, api.post("/auth/refresh", null, null).statusCode());
    assertEquals(401, api.post("/auth/logout", null, null).statusCode());
    HttpResponse<Buffer> forged = api.post("/auth/refresh", login("walt") + "x", null);
    assertEquals(401, forged.statusCode());
    assertEquals("UNAUTHORIZED", code(forged));
    // a service token without an account: nothing to revoke
    HttpResponse<Buffer> service = api.post("/auth/logout", api.token("dispatcher"), null);
    assertEquals(409, service.statusCode(), service.bodyAsString());
  }
}
