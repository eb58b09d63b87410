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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /calls?q= (full-text search in transcripts and summaries, highlighted fragments), the
 * direction, violation_type and other filters alone and combined, driver names, and bad input.
 */
@ExtendWith(VertxExtension.class)
class CallSearchTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("callsearch");
    node = nodes.start(TestConfig.config(schema));
    sql(
        "INSERT INTO drivers (driver_id, name, phone_number) VALUES "
            + "('D-1', 'Rossi, Marco', '+15550101001'), ('D-2', 'Aisha Khan', '+15550101002')");
    // S1 oldest ... S4 newest, one minute apart
    call(
        "S1",
        "'D-1', 'completed', true, '{speeding}', 'outbound', NULL",
        "The assistant called about a speeding alert near exit 42; acknowledged.");
    call(
        "S2",
        "'D-2', 'completed', false, '{seatbelt}', 'outbound', NULL",
        "The driver could not talk and asked for a callback.");
    call(
        "S3",
        "NULL, 'completed', NULL, '{}', 'inbound', '+15550109999'",
        "An unknown caller disputed a parking fine and asked about a permit.");
    call("S4", "'D-1', 'failed', NULL, '{phone_use}', 'outbound', NULL", null);
    turn("S1", 1, "agent", "I'm calling about a speeding alert recorded on your truck.");
    turn("S1", 2, "user", "That's not right, they moved the sign last month.");
    turn("S2", 1, "agent", "Do you have a couple of minutes?");
    turn("S2", 2, "user", "I'm driving through the tunnel, call me back later.");
  }

  static void sql(String statement) {
    TestDatabase.execute("SET search_path TO " + schema + "; " + statement);
  }

  static void call(String sid, String columns, String summary) {
    sql(
        "INSERT INTO calls (call_sid, driver_id, status, call_successful, violation_types, direction, "
            + "caller_number, transcript_summary, created_at) VALUES ('"
            + sid
            + "', "
            + columns
            + ", "
            + (summary == null ? "NULL" : "'" + summary.replace("'", "''") + "'")
            + ", timestamptz '2026-02-01T10:00:00Z' + interval '"
            + sid.substring(1)
            + " minutes')");
  }

  static void turn(String sid, int seq, String speaker, String text) {
    sql(
        "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, source, "
            + "dedupe_key) SELECT id, "
            + seq
            + ", '"
            + speaker
            + "', '"
            + text.replace("'", "''")
            + "', 'live', 'k"
            + seq
            + "' FROM calls WHERE call_sid = '"
            + sid
            + "'");
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static JsonArray calls(ApiClient api, String t, String query) {
    HttpResponse<Buffer> r = api.get("/calls?" + query, t);
    assertEquals(200, r.statusCode(), query + ": " + r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("calls");
  }

  static List<String> sids(ApiClient api, String t, String query) {
    return calls(api, t, query).stream().map(c -> ((JsonObject) c).getString("call_sid")).toList();
  }

  /** The excerpt's highlighted words, and the whole excerpt as text. */
  static List<String> highlighted(JsonObject match) {
    return match.getJsonArray("fragments").stream()
        .map(f -> (JsonObject) f)
        .filter(f -> f.getBoolean("highlight"))
        .map(f -> f.getString("text"))
        .toList();
  }

  @Test
  void wordsSaidOrSummarisedFindTheirCalls(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String t = api.token("dispatcher");

    // said by the driver in the transcript: the first matching turn, the word marked
    JsonArray found = calls(api, t, "q=tunnel");
    assertEquals(1, found.size());
    JsonObject s2 = found.getJsonObject(0);
    assertEquals("S2", s2.getString("call_sid"));
    assertEquals("Aisha Khan", s2.getString("driver_name"));
    JsonObject match = s2.getJsonObject("match");
    assertEquals("transcript", match.getString("source"));
    assertEquals(2, match.getInteger("sequence_number"));
    assertEquals("user", match.getString("speaker_type"));
    assertEquals(List.of("tunnel"), highlighted(match));
    String text =
        match.getJsonArray("fragments").stream()
            .map(f -> ((JsonObject) f).getString("text"))
            .reduce("", String::concat);
    assertTrue(text.contains("driving through the tunnel, call me back"), text);

    // a phrase, with another word form (English stemming: "moving" finds "moved")
    assertEquals(List.of("S1"), sids(api, t, "q=" + enc("\"moving the sign\"")));
    // only in the summary: matched there, English stems ("disputes" finds "disputed")
    JsonObject s3 = calls(api, t, "q=disputes").getJsonObject(0);
    assertEquals("S3", s3.getString("call_sid"));
    assertEquals("summary", s3.getJsonObject("match").getString("source"));
    assertNull(s3.getJsonObject("match").getValue("sequence_number"));
    assertEquals(List.of("disputed"), highlighted(s3.getJsonObject("match")));
    assertNull(s3.getValue("driver_name"));
    // in both a turn and a summary, newest first; OR and -word
    assertEquals(List.of("S1"), sids(api, t, "q=speeding"));
    assertEquals(List.of("S3", "S1"), sids(api, t, "q=" + enc("permit or sign")));
    assertEquals(List.of("S3"), sids(api, t, "q=" + enc("permit or sign -moved")));
    // no match, and only stop words: nothing
    assertEquals(List.of(), sids(api, t, "q=zebra"));
    assertEquals(List.of(), sids(api, t, "q=the"));
    // blank: no search, every call, no match object
    JsonArray all = calls(api, t, "q=%20%20");
    assertEquals(4, all.size());
    assertTrue(!all.getJsonObject(0).containsKey("match"));
    assertEquals("Rossi, Marco", all.getJsonObject(0).getString("driver_name"));
    // paged like the list
    HttpResponse<Buffer> page = api.get("/calls?q=" + enc("permit or sign") + "&limit=1", t);
    assertEquals("S3", page.bodyAsJsonObject().getString("next_before"));
    assertEquals(List.of("S1"), sids(api, t, "q=" + enc("permit or sign") + "&before=S3"));
  }

  @Test
  void filtersAloneAndCombined(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String t = api.token("dispatcher");
    assertEquals(List.of("S3"), sids(api, t, "direction=inbound"));
    assertEquals(List.of("S4", "S2", "S1"), sids(api, t, "direction=outbound"));
    assertEquals(List.of("S1"), sids(api, t, "violation_type=SPEEDING"));
    assertEquals(List.of("S4"), sids(api, t, "violation_type=phone_use"));
    assertEquals(List.of(), sids(api, t, "violation_type=speed"));
    assertEquals(List.of("S4", "S1"), sids(api, t, "driver_id=D-1"));
    assertEquals(List.of("S4"), sids(api, t, "status=failed"));
    assertEquals(List.of("S2"), sids(api, t, "successful=false"));
    assertEquals(
        List.of("S3", "S2"),
        sids(api, t, "from=2026-02-01T10:02:00Z&to=" + enc("2026-02-01T10:04:00+00:00")));
    assertEquals(List.of("S4", "S3", "S2", "S1"), sids(api, t, "from=2026-02-01&to=2026-02-01"));
    assertEquals(List.of(), sids(api, t, "to=2026-01-31"));
    // combinations
    assertEquals(List.of("S1"), sids(api, t, "driver_id=D-1&status=completed"));
    assertEquals(List.of("S1"), sids(api, t, "q=alert&direction=outbound&violation_type=speeding"));
    assertEquals(List.of(), sids(api, t, "q=alert&driver_id=D-2"));
    assertEquals(List.of(), sids(api, t, "q=permit&direction=outbound"));
    assertEquals(List.of("S3"), sids(api, t, "q=permit&needs_attention=true"));
    assertEquals(
        List.of("S2"), sids(api, t, "q=tunnel&successful=false&from=2026-02-01T10:02:00Z"));
  }

  @Test
  void badInputIsA400SayingWhat(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String t = api.token("dispatcher");
    String longQuery = "a".repeat(201);
    String[][] cases = {
      {"direction=sideways", "'direction' must be inbound or outbound"},
      {"from=yesterday", "'from' must be a date (2026-11-25) or an ISO-8601 timestamp with offset"},
      {"to=2026-02-30", "'to' must be a date (2026-11-25) or an ISO-8601 timestamp with offset"},
      {"from=2026-02-02&to=2026-02-01", "'from' must be before 'to'"},
      {"q=" + longQuery, "'q' is longer than 200 characters"},
      {"violation_type=" + longQuery, "'violation_type' is longer than 200 characters"},
    };
    for (String[] c : cases) {
      for (String path : List.of("/calls?", "/calls.csv?")) {
        HttpResponse<Buffer> r = api.get(path + c[0], t);
        assertEquals(400, r.statusCode(), path + c[0]);
        assertEquals(c[1], ApiClient.error(r), path + c[0]);
      }
    }
    // 200 characters is fine; odd syntax is words, never a syntax error
    assertEquals(200, api.get("/calls?q=" + "a".repeat(200), t).statusCode());
    assertEquals(List.of(), sids(api, t, "q=" + enc("a:b & | !( \" -")));
    assertEquals(401, api.get("/calls?q=tunnel", null).statusCode());
    assertEquals(401, api.get("/calls.csv?q=tunnel", null).statusCode());
  }
}
