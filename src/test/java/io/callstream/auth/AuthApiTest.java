package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Main;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code user add} command (run in-process) and POST /auth/token against the users it made. */
@ExtendWith(VertxExtension.class)
class AuthApiTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("auth");
    node = nodes.start(TestConfig.config(schema));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static int userAdd(String name, String role, String password) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabase.URL);
    env.put("DB_SCHEMA", schema);
    if (password != null) {
      env.put("CALLSTREAM_PASSWORD", password);
    }
    return Main.run(List.of("user", "add", name, "--role", role), env);
  }

  static HttpResponse<Buffer> login(ApiClient api, String username, String password) {
    return api.post(
        "/auth/token", null, new JsonObject().put("username", username).put("password", password));
  }

  @Test
  void userAddThenTokenThenUpdate(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    assertEquals(0, userAdd("alice", "dispatcher", "first-password"));
    assertTrue(
        String.valueOf(
                TestDatabase.queryValue(
                    schema, "SELECT password_hash FROM users WHERE username = 'alice'"))
            .startsWith("pbkdf2$210000$"));

    HttpResponse<Buffer> ok = login(api, "alice", "first-password");
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    JsonObject body = ok.bodyAsJsonObject();
    assertEquals("bearer", body.getString("token_type"));
    assertEquals(3600, body.getInteger("expires_in"));
    TokenClaims claims =
        Await.result(
            new Tokens(vertx, node.config().auth()).verify(body.getString("access_token")));
    assertEquals("alice", claims.subject());
    assertEquals("dispatcher", claims.role());
    // the token opens a dispatcher route
    assertEquals(200, api.get("/calls", body.getString("access_token")).statusCode());

    HttpResponse<Buffer> wrong = login(api, "alice", "not-the-password");
    HttpResponse<Buffer> unknown = login(api, "nobody", "first-password");
    assertEquals(401, wrong.statusCode());
    assertEquals(401, unknown.statusCode());
    assertEquals(ApiClient.error(wrong), ApiClient.error(unknown), "no hint which part was wrong");

    // creating an existing user updates its password and role
    assertEquals(0, userAdd("alice", "admin", "second-password"));
    assertEquals(
        1L, TestDatabase.queryValue(schema, "SELECT count(*) FROM users WHERE username = 'alice'"));
    assertEquals(401, login(api, "alice", "first-password").statusCode());
    HttpResponse<Buffer> again = login(api, "alice", "second-password");
    assertEquals(200, again.statusCode());
    assertEquals(
        "admin",
        Await.result(
                new Tokens(vertx, node.config().auth())
                    .verify(again.bodyAsJsonObject().getString("access_token")))
            .role());
  }

  @Test
  void userAddRejectsBadArguments() {
    assertEquals(2, userAdd("bob", "superuser", "long-enough-password"));
    assertEquals(2, userAdd("bob smith", "admin", "long-enough-password"));
    assertEquals(2, userAdd("bob", "admin", "short"));
    assertEquals(
        2, Main.run(List.of("user", "remove", "bob"), Map.of("DATABASE_URL", TestDatabase.URL)));
    assertEquals(
        0L, TestDatabase.queryValue(schema, "SELECT count(*) FROM users WHERE username = 'bob'"));
  }

  @Test
  void badRequestsAre400(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    assertEquals(400, api.post("/auth/token", null, "{not json").statusCode());
    assertEquals(400, api.post("/auth/token", null, "[1,2]").statusCode());
    assertEquals(
        400, api.post("/auth/token", null, new JsonObject().put("username", "x")).statusCode());
    HttpResponse<Buffer> r =
        api.post("/auth/token", null, new JsonObject().put("username", 5).put("password", "x"));
    assertEquals(400, r.statusCode());
    assertTrue(ApiClient.error(r).contains("username"), r.bodyAsString());
  }

  @Test
  void repeatedFailuresAreThrottled(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    assertEquals(0, userAdd("carol", "dispatcher", "carols-password"));
    for (int i = 0; i < LoginThrottle.MAX_PER_USER; i++) {
      assertEquals(401, login(api, "carol", "guess-" + i).statusCode());
    }
    HttpResponse<Buffer> blocked = login(api, "carol", "carols-password");
    assertEquals(429, blocked.statusCode(), blocked.bodyAsString());
    assertNotNull(blocked.getHeader("Retry-After"));
    assertEquals("error", blocked.bodyAsJsonObject().getString("status"));
  }
}
