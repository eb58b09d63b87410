package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * GET /calls (filters, paging), GET /calls/{id} by either identifier, GET /calls/{id}/transcript in
 * order.
 */
@ExtendWith(VertxExtension.class)
class CallReadTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("callread");
    node = nodes.start(TestConfig.config(schema));
    // c1 (oldest) ... c6 (newest), one minute apart
    String[] statuses = {
      "completed", "failed", "in_progress", "completed", "initiated", "completed"
    };
    for (int i = 1; i <= 6; i++) {
      TestDatabase.execute(
          "INSERT INTO "
              + schema
              + ".calls (call_sid, conversation_id, driver_id, status, created_at) "
              + "VALUES ('EL_D-"
              + i
              + "_100', 'conv_"
              + i
              + "', 'D-"
              + i
              + "', '"
              + statuses[i - 1]
              + "', "
              + "timestamptz '2026-01-01T10:00:00Z' + interval '"
              + i
              + " minutes')");
    }
    TestDatabase.execute(
        "UPDATE "
            + schema
            + ".calls SET analysis_data = '{\"call_successful\":\"success\","
            + "\"transcript_summary\":\"ok\"}', metadata_json = '{\"call_duration_secs\":24}', call_successful = true, "
            + "transcript_summary = 'ok', call_duration_seconds = 24, last_sequence_number = 3 WHERE call_sid = 'EL_D-4_100'");
    // inserted out of order on purpose
    for (int seq : new int[] {3, 1, 2}) {
      TestDatabase.execute(
          "INSERT INTO "
              + schema
              + ".transcriptions (call_id, sequence_number, speaker_type, "
              + "message_text, spoken_at, source, dedupe_key) SELECT id, "
              + seq
              + ", '"
              + (seq % 2 == 1 ? "agent" : "user")
              + "', 'turn "
              + seq
              + "', timestamptz '2026-01-01T10:04:00Z' + interval '"
              + seq
              + " seconds', 'live', 'k"
              + seq
              + "' FROM "
              + schema
              + ".calls WHERE call_sid = 'EL_D-4_100'");
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
  void listFiltersAndPages(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String t = api.token("dispatcher");
    assertEquals(
        List.of("EL_D-6_100", "EL_D-5_100", "EL_D-4_100", "EL_D-3_100", "EL_D-2_100", "EL_D-1_100"),
        sids(api.get("/calls", t)));
    assertEquals(
        List.of("EL_D-6_100", "EL_D-4_100", "EL_D-1_100"),
        sids(api.get("/calls?status=completed", t)));
    HttpResponse<Buffer> page1 = api.get("/calls?limit=2", t);
    assertEquals(List.of("EL_D-6_100", "EL_D-5_100"), sids(page1));
    String next = page1.bodyAsJsonObject().getString("next_before");
    assertEquals("EL_D-5_100", next);
    assertEquals(
        List.of("EL_D-4_100", "EL_D-3_100"), sids(api.get("/calls?limit=2&before=" + next, t)));
    assertEquals(
        List.of("EL_D-4_100", "EL_D-3_100"), sids(api.get("/calls?limit=2&before=conv_5", t)));
    assertEquals(
        List.of("EL_D-4_100", "EL_D-1_100"),
        sids(api.get("/calls?status=completed&before=2026-01-01T10:05:00Z", t)));
    assertEquals(
        List.of("EL_D-2_100"),
        sids(api.get("/calls?before=2026-01-01T12:03:00%2B02:00&status=failed", t)));
    HttpResponse<Buffer> last = api.get("/calls?before=EL_D-2_100&limit=5", t);
    assertEquals(List.of("EL_D-1_100"), sids(last));
    assertNull(last.bodyAsJsonObject().getValue("next_before"));

    for (String bad :
        List.of(
            "status=done",
            "limit=0",
            "limit=501",
            "limit=ten",
            "before=2026-13-01T00:00:00Z",
            "before=EL_unknown")) {
      HttpResponse<Buffer> r = api.get("/calls?" + bad, t);
      assertEquals(400, r.statusCode(), bad);
      ApiClient.error(r);
    }
  }

  @Test
  void oneCallByEitherIdentifier(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String t = api.token("dispatcher");
    for (String id : List.of("EL_D-4_100", "conv_4")) {
      HttpResponse<Buffer> r = api.get("/calls/" + id, t);
      assertEquals(200, r.statusCode());
      JsonObject call = r.bodyAsJsonObject();
      assertEquals("EL_D-4_100", call.getString("call_sid"));
      assertEquals("conv_4", call.getString("conversation_id"));
      assertEquals("success", call.getJsonObject("analysis_data").getString("call_successful"));
      assertEquals(24, call.getJsonObject("metadata_json").getInteger("call_duration_secs"));
      assertEquals(true, call.getBoolean("call_successful"));
      assertTrue(!call.containsKey("id"));
    }
    HttpResponse<Buffer> missing = api.get("/calls/EL_nope", t);
    assertEquals(404, missing.statusCode());
    ApiClient.error(missing);
    assertEquals(404, api.get("/calls/EL_nope/transcript", t).statusCode());
  }

  @Test
  void transcriptInSequenceOrder(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String t = api.token("dispatcher");
    HttpResponse<Buffer> r = api.get("/calls/conv_4/transcript", t);
    assertEquals(200, r.statusCode());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("EL_D-4_100", body.getString("call_sid"));
    JsonArray turns = body.getJsonArray("transcript");
    assertEquals(
        List.of(1, 2, 3),
        turns.stream().map(o -> ((JsonObject) o).getInteger("sequence_number")).toList());
    assertEquals("turn 1", turns.getJsonObject(0).getString("message_text"));
    assertEquals("agent", turns.getJsonObject(0).getString("speaker_type"));
    assertEquals("user", turns.getJsonObject(1).getString("speaker_type"));
    JsonArray since =
        api.get("/calls/EL_D-4_100/transcript?since=2", t)
            .bodyAsJsonObject()
            .getJsonArray("transcript");
    assertEquals(1, since.size());
    assertEquals(3, since.getJsonObject(0).getInteger("sequence_number"));
    assertEquals(
        0,
        api.get("/calls/EL_D-1_100/transcript", t)
            .bodyAsJsonObject()
            .getJsonArray("transcript")
            .size());
    assertEquals(400, api.get("/calls/EL_D-4_100/transcript?since=-1", t).statusCode());
  }
}
