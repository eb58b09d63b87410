package io.callstream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Tokens;
import io.callstream.config.Config;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every protected route: 401 without a valid token, 403 for a role that may not, and admins may act
 * as dispatchers.
 */
@ExtendWith(VertxExtension.class)
class RoleChecksTest {
  record Route(HttpMethod method, String path, String role, Object body) {}

  static final JsonObject CALL_BODY =
      new JsonObject()
          .put("driver_ids", new JsonArray().add("D-1"))
          .put("violation_types", new JsonArray().add("speeding"));
  static final List<Route> ROUTES =
      List.of(
          new Route(HttpMethod.POST, "/driver_data/call-elevenlabs", "dispatcher", CALL_BODY),
          new Route(HttpMethod.GET, "/calls", "dispatcher", null),
          new Route(HttpMethod.GET, "/calls/EL_x_1", "dispatcher", null),
          new Route(HttpMethod.GET, "/calls/EL_x_1/transcript", "dispatcher", null),
          new Route(HttpMethod.GET, "/conversations/conv_1/fetch", "dispatcher", null),
          new Route(HttpMethod.POST, "/conversations/conv_1/fetch", "dispatcher", null),
          new Route(
              HttpMethod.PUT,
              "/drivers/D-1",
              "admin",
              new JsonObject().put("name", "Marco").put("phone_number", "+15550000001")),
          new Route(HttpMethod.GET, "/drivers", "dispatcher", null),
          new Route(HttpMethod.GET, "/calls/EL_x_1/audio", "dispatcher", null),
          new Route(HttpMethod.GET, "/insights", "dispatcher", null));

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("roles");
    node =
        nodes.start(
            TestConfig.config(
                schema)); // no ElevenLabs settings: starting calls and backfill are 503
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  @Test
  void everyRouteChecksTokenAndRole(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String foreign =
        new Tokens(vertx, new Config.Auth("another-secret-key-of-at-least-32-bytes!!", 3600))
            .issue("mallory", "admin");
    for (Route r : ROUTES) {
      String what = r.method() + " " + r.path();
      HttpResponse<Buffer> none = api.send(r.method(), r.path(), null, r.body());
      assertEquals(401, none.statusCode(), what);
      assertEquals("error", none.bodyAsJsonObject().getString("status"), what);
      assertEquals(401, api.send(r.method(), r.path(), "not.a.jwt", r.body()).statusCode(), what);
      assertEquals(
          401,
          api.send(r.method(), r.path(), foreign, r.body()).statusCode(),
          what + " (other key)");
      assertEquals(
          401,
          api.send(r.method(), r.path(), node.config().auth().secretKey(), r.body()).statusCode(),
          what);
      String other = r.role().equals("admin") ? "dispatcher" : "nobody-role";
      HttpResponse<Buffer> forbidden = api.send(r.method(), r.path(), api.token(other), r.body());
      assertEquals(403, forbidden.statusCode(), what + " as " + other);
      HttpResponse<Buffer> allowed = api.send(r.method(), r.path(), api.token("admin"), r.body());
      assertNotEquals(401, allowed.statusCode(), what + " as admin");
      assertNotEquals(403, allowed.statusCode(), what + " as admin");
      if (r.role().equals("dispatcher")) {
        int status = api.send(r.method(), r.path(), api.token("dispatcher"), r.body()).statusCode();
        assertTrue(status != 401 && status != 403, what + " as dispatcher: " + status);
      }
    }
  }

  @Test
  void withoutElevenLabsSettingsCallsAndBackfillAre503(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    HttpResponse<Buffer> start =
        api.post("/driver_data/call-elevenlabs", api.token("dispatcher"), CALL_BODY);
    assertEquals(503, start.statusCode());
    assertTrue(ApiClient.error(start).contains("ELEVENLABS_API_KEY"), start.bodyAsString());
    assertEquals(0L, TestDatabase.queryValue(schema, "SELECT count(*) FROM calls"));
    HttpResponse<Buffer> fetch =
        api.post("/conversations/conv_1/fetch", api.token("dispatcher"), null);
    assertEquals(503, fetch.statusCode());
  }
}
