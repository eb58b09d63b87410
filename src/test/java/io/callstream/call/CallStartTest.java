package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.call.FakeElevenLabs.Answer;
import io.callstream.support.Await;
import io.callstream.support.EventRecorder;
import io.callstream.support.Http;
import io.callstream.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /driver_data/call-elevenlabs against a fake ElevenLabs API. */
class CallStartTest {
  static FakeElevenLabsNode fixture;
  static String schema;
  static Vertx vertx;
  static FakeElevenLabs fake;
  static Node node;
  static ApiClient api;
  static EventRecorder events;

  @BeforeAll
  static void setUp() {
    fixture = FakeElevenLabsNode.start("callstart");
    schema = fixture.schema();
    vertx = fixture.vertx();
    fake = fixture.fake();
    node = fixture.node();
    api = fixture.api();
    events = EventRecorder.on(node);
    driver("D-1", "Marco", "+15550000001");
    driver("F-false", "Fay", "+15550000002");
    driver("F-422", "Finn", "+15550000003");
    driver("F-500", "Flo", "+15550000004");
    driver("F-hang", "Hank", "+15550000005");
    driver("S-1", "Sam", "+15550000006");
    fake.answer("+15550000002", Answer.SUCCESS_FALSE);
    fake.answer("+15550000003", Answer.UNPROCESSABLE);
    fake.answer("+15550000004", Answer.SERVER_ERROR);
    fake.answer("+15550000005", Answer.HANG);
  }

  @AfterAll
  static void tearDown() {
    events.close();
    fixture.close();
  }

  static void driver(String id, String name, String phone) {
    assertEquals(
        201,
        api.put(
                "/drivers/" + id,
                api.token("admin"),
                new JsonObject().put("name", name).put("phone_number", phone))
            .statusCode());
  }

  static JsonObject start(List<String> driverIds, List<String> violations) {
    HttpResponse<Buffer> r =
        api.post(
            "/driver_data/call-elevenlabs",
            api.token("dispatcher"),
            new JsonObject()
                .put("driver_ids", new JsonArray(driverIds))
                .put("violation_types", new JsonArray(violations)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  static Object column(String callSid, String column) {
    return TestDatabase.queryValue(
        schema, "SELECT " + column + " FROM calls WHERE call_sid = '" + callSid + "'");
  }

  static FakeElevenLabs.Dial dialOf(String callSid) {
    List<FakeElevenLabs.Dial> found =
        fake.dials().stream().filter(d -> d.callSid().equals(callSid)).toList();
    assertEquals(1, found.size(), "exactly one dial (never retried) for " + callSid);
    return found.get(0);
  }

  /** Waits for the first published event of this type for this call. */
  static JsonObject awaitEvent(String type, String callSid) {
    return events.awaitFrame(
        type + " of " + callSid,
        e -> type.equals(e.getString("type")) && callSid.equals(e.getString("call_sid")));
  }

  @Test
  void aDialFindsItsRowAlreadyWrittenAndTheCallMovesToInProgress() {
    JsonObject body = start(List.of("D-1"), List.of("speeding", "red light"));
    JsonArray results = body.getJsonArray("results");
    assertEquals(1, results.size());
    JsonObject result = results.getJsonObject(0);
    String sid = result.getString("call_sid");
    assertEquals("D-1", result.getString("driver_id"));
    assertTrue(sid.matches("EL_D-1_\\d{10}"), sid);
    assertEquals("in_progress", result.getString("status"));
    assertEquals(FakeElevenLabs.conversationIdFor(sid), result.getString("conversation_id"));
    assertNull(result.getValue("error"));

    FakeElevenLabs.Dial dial = dialOf(sid);
    assertEquals(
        "initiated",
        dial.rowStatusOnArrival(),
        "the calls row existed before ElevenLabs was called");
    assertEquals(FakeElevenLabs.API_KEY, dial.apiKey());
    assertEquals("agent_test", dial.body().getString("agent_id"));
    assertEquals("phnum_test", dial.body().getString("agent_phone_number_id"));
    assertEquals("+15550000001", dial.body().getString("to_number"));
    JsonObject vars =
        dial.body()
            .getJsonObject("conversation_initiation_client_data")
            .getJsonObject("dynamic_variables");
    assertEquals("Marco", vars.getString("driver_name"));
    assertEquals("speeding, red light", vars.getString("violation_types"));
    assertEquals(sid, vars.getString("callstream_call_sid"));

    assertEquals("in_progress", column(sid, "status"));
    assertEquals(FakeElevenLabs.conversationIdFor(sid), column(sid, "conversation_id"));
    assertEquals("D-1", column(sid, "driver_id"));
    assertNotNull(column(sid, "call_start_time"));
    JsonObject status = awaitEvent("call_status", sid);
    assertEquals("in_progress", status.getString("status"));
    assertEquals(FakeElevenLabs.conversationIdFor(sid), status.getString("conversation_id"));
  }

  @Test
  void eachDriverGetsItsOwnResultAndFailuresMarkOnlyTheirCall() {
    JsonObject body =
        start(List.of("F-false", "F-422", "D-1", "nobody", "F-500", "F-hang"), List.of("speeding"));
    JsonArray results = body.getJsonArray("results");
    assertEquals(6, results.size());
    Map<String, String> expectedError =
        Map.of(
            "F-false",
            "api_error: success:false",
            "F-422",
            "api_error: HTTP 422",
            "F-500",
            "api_error: HTTP 500",
            "F-hang",
            "api_error: timeout");
    for (int i = 0; i < results.size(); i++) {
      JsonObject r = results.getJsonObject(i);
      String driverId = r.getString("driver_id");
      assertEquals(
          List.of("F-false", "F-422", "D-1", "nobody", "F-500", "F-hang").get(i),
          driverId,
          "request order");
      if (driverId.equals("nobody")) {
        assertEquals("unknown driver", r.getString("error"));
        assertNull(r.getValue("call_sid"));
        assertEquals(
            0L,
            TestDatabase.queryValue(
                schema, "SELECT count(*) FROM calls WHERE driver_id = 'nobody'"));
        continue;
      }
      String sid = r.getString("call_sid");
      assertEquals("initiated", dialOf(sid).rowStatusOnArrival(), driverId);
      if (driverId.equals("D-1")) {
        assertEquals("in_progress", r.getString("status"));
        continue;
      }
      assertEquals("failed", r.getString("status"), r.encode());
      String error = r.getString("error");
      assertTrue(error.startsWith(expectedError.get(driverId)), error);
      assertTrue(error.length() <= 400, "the response body is truncated: " + error.length());
      assertEquals("failed", column(sid, "status"));
      assertEquals(error, column(sid, "failure_reason"));
      assertNotNull(column(sid, "call_end_time"));
      assertEquals(null, column(sid, "conversation_id"));
      awaitEvent("call_completed", sid);
      JsonObject status = awaitEvent("call_status", sid);
      assertEquals("failed", status.getString("status"));
    }
    assertTrue(
        results.getJsonObject(1).getString("error").contains("invalid number"), "422 body is kept");
  }

  @Test
  void twoCallsToOneDriverInTheSameSecondGetDistinctSids() {
    long now = Instant.now().getEpochSecond();
    // occupy EL_S-1_<t> for every second this test can run in, so both calls collide with a taken
    // sid
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".calls (call_sid, driver_id, status) SELECT 'EL_S-1_' || t, "
            + "'S-1', 'completed' FROM generate_series("
            + (now - 2)
            + ", "
            + (now + 120)
            + ") AS t");
    WebClient client = Http.client(vertx);
    String token = api.token("dispatcher");
    JsonObject request =
        new JsonObject()
            .put("driver_ids", new JsonArray().add("S-1"))
            .put("violation_types", new JsonArray().add("speeding"));
    List<Future<HttpResponse<Buffer>>> both =
        List.of(
            client
                .post(node.port(), "127.0.0.1", "/driver_data/call-elevenlabs")
                .bearerTokenAuthentication(token)
                .sendJsonObject(request),
            client
                .post(node.port(), "127.0.0.1", "/driver_data/call-elevenlabs")
                .bearerTokenAuthentication(token)
                .sendJsonObject(request));
    Await.result(Future.all(both));
    String[] sids = new String[2];
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> r = both.get(i).result();
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject result = r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
      assertEquals("in_progress", result.getString("status"), result.encode());
      sids[i] = result.getString("call_sid");
      assertTrue(sids[i].matches("EL_S-1_\\d{10}_\\d+"), sids[i]);
      assertEquals("initiated", dialOf(sids[i]).rowStatusOnArrival());
    }
    assertNotEquals(sids[0], sids[1]);
  }

  @Test
  void invalidRequestsAre400AndDialNobody() {
    int dialsBefore = fake.dials().size();
    String token = api.token("dispatcher");
    List<Object> bad =
        List.of(
            "{oops",
            new JsonObject(),
            new JsonObject()
                .put("driver_ids", new JsonArray())
                .put("violation_types", new JsonArray().add("x")),
            new JsonObject()
                .put("driver_ids", new JsonArray().add(7))
                .put("violation_types", new JsonArray().add("x")),
            new JsonObject()
                .put("driver_ids", "D-1")
                .put("violation_types", new JsonArray().add("x")),
            new JsonObject().put("driver_ids", new JsonArray().add("D-1")),
            new JsonObject()
                .put("driver_ids", new JsonArray().add("D-1").add("D-1"))
                .put("violation_types", new JsonArray().add("x")),
            new JsonObject()
                .put("driver_ids", new JsonArray().add("D 1"))
                .put("violation_types", new JsonArray().add("x")));
    for (Object body : bad) {
      HttpResponse<Buffer> r = api.post("/driver_data/call-elevenlabs", token, body);
      assertEquals(400, r.statusCode(), body + " -> " + r.bodyAsString());
      assertNotNull(ApiClient.error(r));
    }
    assertEquals(dialsBefore, fake.dials().size());
  }
}
