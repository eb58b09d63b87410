package io.callstream.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * PUT /drivers/{driver_id} creates or updates, GET /drivers lists; bad input is 400 and stores
 * nothing.
 */
@ExtendWith(VertxExtension.class)
class DriverApiTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("drivers");
    node = nodes.start(TestConfig.config(schema));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static JsonObject driver(String name, String phone) {
    return new JsonObject().put("name", name).put("phone_number", phone);
  }

  @Test
  void createUpdateAndList(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String admin = api.token("admin");
    HttpResponse<Buffer> created =
        api.put("/drivers/D-1042", admin, driver("Marco", "+14155550123"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals("Marco", created.bodyAsJsonObject().getString("name"));
    HttpResponse<Buffer> updated =
        api.put("/drivers/D-1042", admin, driver("Marco Rossi", "+393331234567"));
    assertEquals(200, updated.statusCode());
    assertEquals(201, api.put("/drivers/A.7_x", admin, driver("Ann", "+4930123456")).statusCode());

    HttpResponse<Buffer> list = api.get("/drivers", admin);
    assertEquals(200, list.statusCode());
    JsonArray drivers = list.bodyAsJsonObject().getJsonArray("drivers");
    assertEquals(2, drivers.size());
    assertEquals("A.7_x", drivers.getJsonObject(0).getString("driver_id"));
    JsonObject marco = drivers.getJsonObject(1);
    assertEquals("D-1042", marco.getString("driver_id"));
    assertEquals("Marco Rossi", marco.getString("name"));
    assertEquals("+393331234567", marco.getString("phone_number"));
  }

  @Test
  void invalidInputIs400(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String admin = api.token("admin");
    List<Object> badBodies =
        List.of(
            driver("X", "4155550123"),
            driver("X", "+04155550123"),
            driver("X", "+1 415 555 0123"),
            driver("X", "+12345"),
            driver("X", "+1234567890123456"),
            driver("", "+14155550123"),
            new JsonObject().put("phone_number", "+14155550123"),
            new JsonObject().put("name", "X"),
            new JsonObject().put("name", 5).put("phone_number", "+14155550123"),
            "not json",
            "[]");
    for (Object body : badBodies) {
      HttpResponse<Buffer> r = api.put("/drivers/BAD-1", admin, body);
      assertEquals(400, r.statusCode(), body + " -> " + r.bodyAsString());
      ApiClient.error(r);
    }
    assertEquals(
        400, api.put("/drivers/bad%20id", admin, driver("X", "+14155550123")).statusCode());
    assertEquals(
        400,
        api.put("/drivers/" + "x".repeat(65), admin, driver("X", "+14155550123")).statusCode());
    assertEquals(
        413,
        api.put("/drivers/BIG", admin, driver("x".repeat(70_000), "+14155550123")).statusCode());
    assertEquals(
        0L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM drivers WHERE driver_id IN ('BAD-1', 'BIG') OR driver_id LIKE 'bad%'"));
  }
}
