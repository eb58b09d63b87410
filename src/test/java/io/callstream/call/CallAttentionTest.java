package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.auth.Tokens;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attention list: GET /calls?needs_attention=true (which calls, newest first, paged) and POST
 * /calls/{id}/handled (first handler kept, 404 for an unknown call).
 */
@ExtendWith(VertxExtension.class)
class CallAttentionTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  /** call_sid suffix -> the row's columns; A1 oldest ... A8 newest, one minute apart. */
  static final String[][] ROWS = {
    {"1", "'completed', 'D-1', true, NULL, 'outbound'"}, // successful: no attention
    {"2", "'failed', 'D-2', NULL, NULL, 'outbound'"}, // failed (no-answer)
    {"3", "'completed', 'D-3', false, NULL, 'outbound'"}, // unsuccessful verdict
    {"4", "'completed', 'D-4', NULL, '{\"call_successful\":\"failure\"}', 'outbound'"}, // analysis
    {"5", "'completed', NULL, NULL, NULL, 'inbound'"}, // an unknown caller
    {"6", "'in_progress', NULL, NULL, NULL, 'inbound'"}, // still live: not yet
    {"7", "'completed', 'D-7', NULL, '{\"call_successful\":\"success\"}', 'inbound'"}, // fine
    {"8", "'failed', 'D-8', NULL, NULL, 'outbound'"} // failed (busy)
  };

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("attention");
    node = nodes.start(TestConfig.config(schema));
    for (String[] row : ROWS) {
      TestDatabase.execute(
          "INSERT INTO "
              + schema
              + ".calls (call_sid, status, driver_id, call_successful, analysis_data, direction, "
              + "created_at) VALUES ('EL_A"
              + row[0]
              + "', "
              + row[1]
              + ", timestamptz '2026-01-01T10:00:00Z' + interval '"
              + row[0]
              + " minutes')");
    }
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static List<String> sids(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("calls").stream()
        .map(c -> ((JsonObject) c).getString("call_sid"))
        .toList();
  }

  @Test
  void attentionListThenHandledOnceByTheFirstDispatcher(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String first = api.token("dispatcher");
    String second = new Tokens(vertx, node.config().auth()).issue("other-dispatcher", "dispatcher");

    assertEquals(
        List.of("EL_A8", "EL_A5", "EL_A4", "EL_A3", "EL_A2"),
        sids(api.get("/calls?needs_attention=true", first)));
    assertEquals(
        List.of("EL_A7", "EL_A6", "EL_A1"), sids(api.get("/calls?needs_attention=false", first)));
    // the same paging as GET /calls, and it combines with the other filters
    HttpResponse<Buffer> page = api.get("/calls?needs_attention=true&limit=2", first);
    assertEquals(List.of("EL_A8", "EL_A5"), sids(page));
    assertEquals("EL_A5", page.bodyAsJsonObject().getString("next_before"));
    assertEquals(
        List.of("EL_A4", "EL_A3"),
        sids(api.get("/calls?needs_attention=true&limit=2&before=EL_A5", first)));
    assertEquals(
        List.of("EL_A8", "EL_A2"),
        sids(api.get("/calls?needs_attention=true&status=failed", first)));
    assertEquals(400, api.get("/calls?needs_attention=yes", first).statusCode());

    HttpResponse<Buffer> marked = api.post("/calls/EL_A3/handled", first, null);
    assertEquals(200, marked.statusCode(), marked.bodyAsString());
    JsonObject call = marked.bodyAsJsonObject();
    assertEquals("EL_A3", call.getString("call_sid"));
    assertEquals("test-dispatcher", call.getString("handled_by"));
    String at = call.getString("handled_at");
    assertNotNull(at);

    // a second mark, by someone else: 200, the first handler and time stay
    HttpResponse<Buffer> again = api.post("/calls/EL_A3/handled", second, null);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals("test-dispatcher", again.bodyAsJsonObject().getString("handled_by"));
    assertEquals(at, again.bodyAsJsonObject().getString("handled_at"));

    assertEquals(
        List.of("EL_A8", "EL_A5", "EL_A4", "EL_A2"),
        sids(api.get("/calls?needs_attention=true", first)));
    JsonObject read = api.get("/calls/EL_A3", first).bodyAsJsonObject();
    assertEquals("test-dispatcher", read.getString("handled_by"));
    assertEquals(at, read.getString("handled_at"));
    assertNull(api.get("/calls/EL_A2", first).bodyAsJsonObject().getValue("handled_by"));
  }

  @Test
  void unknownCallIsNotFoundAndOnlyDispatchersMayMark(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    // not in demo mode: the console shows no banner
    assertEquals(false, api.get("/health", null).bodyAsJsonObject().getBoolean("demo"));
    HttpResponse<Buffer> missing =
        api.post("/calls/EL_nope/handled", api.token("dispatcher"), null);
    assertEquals(404, missing.statusCode());
    assertEquals("CALL_NOT_FOUND", missing.bodyAsJsonObject().getString("code"));
    assertEquals(401, api.post("/calls/EL_A2/handled", null, null).statusCode());
    assertNull(
        api.get("/calls/EL_A2", api.token("dispatcher")).bodyAsJsonObject().getValue("handled_at"));
  }
}
