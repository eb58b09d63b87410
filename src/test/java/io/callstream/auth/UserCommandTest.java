package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.live.LiveRole;
import io.callstream.support.Await;
import io.callstream.support.CliRun;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code user list|add|disable|enable|password} in-process, and what a running node makes of them:
 * a disabled user cannot log in, and their tokens no longer open or extend a WebSocket.
 */
@ExtendWith(VertxExtension.class)
class UserCommandTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("usercli");
    node = nodes.start(TestConfig.config(schema));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static Map<String, String> env(String password) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabase.URL);
    env.put("DB_SCHEMA", schema);
    if (password != null) {
      env.put("CALLSTREAM_PASSWORD", password);
    }
    return env;
  }

  static int login(ApiClient api, String username, String password) {
    return api.post(
            "/auth/token",
            null,
            new JsonObject().put("username", username).put("password", password))
        .statusCode();
  }

  @Test
  void aDisabledUserCannotLogInUntilEnabled(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    assertEquals(
        0, CliRun.run(env("dora-password"), "user", "add", "dora", "--role", "dispatcher").code());
    assertEquals(200, login(api, "dora", "dora-password"));

    CliRun disabled = CliRun.run(env(null), "user", "disable", "dora");
    assertEquals(0, disabled.code(), disabled.toString());
    assertEquals(401, login(api, "dora", "dora-password"));
    CliRun list = CliRun.run(env(null), "user", "list");
    assertEquals(0, list.code(), list.toString());
    assertTrue(
        list.out()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("dora ")
                        && l.contains("dispatcher")
                        && l.contains("disabled since")),
        list.out());
    // re-adding (a password and role change) does not re-enable
    assertEquals(
        0, CliRun.run(env("dora-password"), "user", "add", "dora", "--role", "admin").code());
    assertEquals(401, login(api, "dora", "dora-password"));

    assertEquals(0, CliRun.run(env(null), "user", "enable", "dora").code());
    assertEquals(200, login(api, "dora", "dora-password"));
    assertTrue(
        CliRun.run(env(null), "user", "list")
            .out()
            .lines()
            .anyMatch(l -> l.startsWith("dora ") && l.contains("admin") && l.contains("enabled")));
  }

  @Test
  void aDisabledUsersTokenNoLongerOpensOrExtendsAWebSocket(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    assertEquals(
        0, CliRun.run(env("fred-password"), "user", "add", "fred", "--role", "dispatcher").code());
    String token =
        api.post(
                "/auth/token",
                null,
                new JsonObject().put("username", "fred").put("password", "fred-password"))
            .bodyAsJsonObject()
            .getString("access_token");
    WebSocketClient client = vertx.createWebSocketClient();
    ClientWebSocket open = client.webSocket();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    Promise<Short> closed = Promise.promise();
    open.textMessageHandler(text -> frames.add(new JsonObject(text)));
    open.closeHandler(v -> closed.tryComplete(open.closeStatusCode()));
    Await.result(open.connect(options(token)));

    assertEquals(0, CliRun.run(env(null), "user", "disable", "fred").code());
    Throwable refused = Await.failure(client.webSocket().connect(options(token)));
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus());
    // the socket opened before: its next refresh ends it
    open.writeTextMessage(new JsonObject().put("auth", token).encode());
    assertEquals((short) 4401, Await.result(closed.future()));
    assertTrue(
        frames.stream().anyMatch(f -> "TOKEN_EXPIRED".equals(f.getString("code"))),
        frames.toString());

    assertEquals(0, CliRun.run(env(null), "user", "enable", "fred").code());
    Await.result(client.webSocket().connect(options(token)).compose(ws -> ws.close()));
  }

  static WebSocketConnectOptions options(String token) {
    return new WebSocketConnectOptions()
        .setHost("127.0.0.1")
        .setPort(node.port())
        .setURI(LiveRole.PATH + "?token=" + token);
  }

  @Test
  void passwordFromStandardInputReplacesTheOldOne(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    assertEquals(
        0, CliRun.run(env("first-password"), "user", "add", "eve", "--role", "dispatcher").code());
    CliRun changed = CliRun.withInput(env(null), "second-password\n", "user", "password", "eve");
    assertEquals(0, changed.code(), changed.toString());
    assertEquals(401, login(api, "eve", "first-password"));
    assertEquals(200, login(api, "eve", "second-password"));
    CliRun tooShort = CliRun.withInput(env(null), "short\n", "user", "password", "eve");
    assertEquals(2, tooShort.code(), tooShort.toString());
    assertEquals(200, login(api, "eve", "second-password"));
  }

  @Test
  void unknownUsersAndBadArgumentsAreReportedOnOneLine() {
    CliRun unknown = CliRun.run(env(null), "user", "disable", "nobody");
    assertEquals(1, unknown.code(), unknown.toString());
    assertEquals(java.util.List.of("callstream: no such user: nobody"), unknown.errorLines());
    assertEquals(1, CliRun.run(env("long-enough-1"), "user", "password", "nobody").code());
    assertEquals(2, CliRun.run(env(null), "user", "disable", "bad name").code());
    assertEquals(2, CliRun.run(env(null), "user").code());
    assertEquals(2, CliRun.run(env(null), "user", "disable").code());
  }
}
