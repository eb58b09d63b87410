package io.callstream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.auth.Passwords;
import io.callstream.db.Database;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nodes in demo mode (ELEVENLABS_API_URL=simulator, turns ~10 ms apart): a call started through the
 * API is played by the simulator back through the real webhooks, stored, and pushed live to a
 * dashboard. One node answers every call, the other none (DEMO_FAILURE_PERCENT 0 and 100).
 */
class DemoModeTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static WebClient http;
  static Node answering;
  static Node unanswered;
  static ApiClient api;
  static ApiClient failingApi;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("demo");
    vertx = Vertx.vertx();
    http = Http.client(vertx);
    answering = nodes.start(TestConfig.config(schema, demo("0")));
    unanswered = nodes.start(TestConfig.config(schema, demo("100")));
    api = new ApiClient(vertx, answering);
    failingApi = new ApiClient(vertx, unanswered);
  }

  static Map<String, String> demo(String failurePercent) {
    return Map.of(
        "ELEVENLABS_API_URL",
        "simulator",
        "DEMO_PACING_MS",
        "5-15",
        "DEMO_FAILURE_PERCENT",
        failurePercent);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  /** Starts one call through the API and returns its result. */
  static JsonObject startCall(ApiClient client, String driverId, String violation) {
    HttpResponse<Buffer> r =
        client.post(
            "/driver_data/call-elevenlabs",
            client.token("dispatcher"),
            new JsonObject()
                .put("driver_ids", new JsonArray().add(driverId))
                .put("violation_types", new JsonArray().add(violation)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject result = r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertNull(result.getValue("error"), result.encode());
    return result;
  }

  /**
   * Subscribes a dashboard to the call and returns every frame up to and including call_completed.
   */
  static List<JsonObject> watchUntilCompleted(Node node, ApiClient client, String callSid) {
    try (DemoSocket socket = DemoSocket.open(vertx, node.port(), client.token("dispatcher"))) {
      socket.send(new JsonObject().put("subscribe", callSid).put("since", 0));
      List<JsonObject> frames = new ArrayList<>();
      JsonObject frame;
      do {
        frame = socket.next();
        frames.add(frame);
      } while (!"call_completed".equals(frame.getString("type")));
      return frames;
    }
  }

  @Test
  void aDialledCallIsPlayedThroughTheWebhooksAndSeenLiveUntilCompleted() {
    JsonObject result = startCall(api, "D-101", "speeding");
    String sid = result.getString("call_sid");
    String conversationId = result.getString("conversation_id");
    assertEquals("in_progress", result.getString("status"));
    assertTrue(conversationId.matches("conv_[0-9a-z]{26}"), conversationId);

    List<JsonObject> frames = watchUntilCompleted(answering, api, sid);
    assertEquals("subscription_confirmed", frames.get(0).getString("type"));
    List<JsonObject> turns =
        frames.stream().filter(f -> "transcription".equals(f.getString("type"))).toList();
    assertTrue(turns.size() >= 3, "at least 3 turns: " + frames);
    for (int i = 0; i < turns.size(); i++) {
      assertEquals(i + 1, turns.get(i).getInteger("sequence_number"), "in order, no gap: " + turns);
      assertEquals(
          i % 2 == 0 ? "agent" : "user",
          turns.get(i).getString("speaker_type"),
          "agent and driver alternate");
    }
    assertTrue(
        turns.get(0).getString("message_text").contains("Marco"),
        "the agent greets the seeded driver");
    List<String> tail =
        frames.subList(frames.size() - 2, frames.size()).stream()
            .map(f -> f.getString("type"))
            .toList();
    assertEquals(List.of("call_status", "call_completed"), tail);
    JsonObject callData = frames.get(frames.size() - 1).getJsonObject("call_data");
    assertEquals("completed", callData.getString("status"));

    JsonObject call = api.get("/calls/" + sid, api.token("dispatcher")).bodyAsJsonObject();
    assertEquals("completed", call.getString("status"));
    assertEquals(conversationId, call.getString("conversation_id"));
    assertTrue(call.getString("transcript_summary").contains("Marco"), call.encode());
    assertTrue(call.getDouble("cost") > 0, call.encode());
    assertTrue(call.getInteger("call_duration_seconds") >= 1, call.encode());
    assertNotNull(call.getValue("call_successful"));
    JsonObject analysis = call.getJsonObject("analysis_data");
    assertEquals(
        "speeding",
        analysis
            .getJsonObject("data_collection_results")
            .getJsonObject("violation_type")
            .getString("value"),
        "the script follows the violation type");
    assertEquals(
        "+15550101001",
        call.getJsonObject("metadata_json")
            .getJsonObject("phone_call")
            .getString("external_number"));

    JsonArray transcript =
        api.get("/calls/" + sid + "/transcript", api.token("dispatcher"))
            .bodyAsJsonObject()
            .getJsonArray("transcript");
    assertEquals(
        turns.size(),
        transcript.size(),
        "the post-call transcript added no duplicate of the live turns");
    for (int i = 0; i < transcript.size(); i++) {
      JsonObject t = transcript.getJsonObject(i);
      assertEquals(i + 1, t.getInteger("sequence_number"));
      assertEquals("live", t.getString("source"));
      assertEquals(turns.get(i).getString("message_text"), t.getString("message_text"));
    }
    assertEquals(
        1L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM webhook_events WHERE type = "
                + "'post_call_transcription' AND conversation_id = '"
                + conversationId
                + "'"),
        "signed, through the inbox");
  }

  @Test
  void backfillReadsTheConversationTheSimulatorPlayed() {
    JsonObject result = startCall(api, "D-103", "seatbelt");
    String conversationId = result.getString("conversation_id");
    watchUntilCompleted(answering, api, result.getString("call_sid"));

    HttpResponse<Buffer> r =
        api.get("/conversations/" + conversationId + "/fetch", api.token("dispatcher"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("completed", r.bodyAsJsonObject().getJsonObject("call").getString("status"));

    JsonObject data =
        simulatorGet(answering, "/v1/convai/conversations/" + conversationId, "key")
            .bodyAsJsonObject();
    assertEquals("done", data.getString("status"));
    assertEquals(
        result.getString("call_sid"),
        data.getJsonObject("conversation_initiation_client_data")
            .getJsonObject("dynamic_variables")
            .getString("callstream_call_sid"));
    assertEquals(
        "Tom",
        data.getJsonObject("conversation_initiation_client_data")
            .getJsonObject("dynamic_variables")
            .getString("driver_name")
            .split(" ")[0]);

    assertEquals(
        404, api.get("/conversations/conv_unknown/fetch", api.token("dispatcher")).statusCode());
  }

  @Test
  void anUnansweredCallEndsFailedWithBusyOrNoAnswer() {
    JsonObject result = startCall(failingApi, "D-102", "phone_use");
    String sid = result.getString("call_sid");
    List<JsonObject> frames = watchUntilCompleted(unanswered, failingApi, sid);
    assertTrue(
        frames.stream().noneMatch(f -> "transcription".equals(f.getString("type"))),
        frames.toString());
    JsonObject callData = frames.get(frames.size() - 1).getJsonObject("call_data");
    assertEquals("failed", callData.getString("status"));
    assertTrue(
        Set.of("busy", "no-answer").contains(callData.getString("failure_reason")),
        callData.encode());

    JsonObject call =
        failingApi.get("/calls/" + sid, failingApi.token("dispatcher")).bodyAsJsonObject();
    assertEquals("failed", call.getString("status"));
    assertNotNull(call.getValue("call_end_time"));
    assertEquals(
        1L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM webhook_events WHERE type = "
                + "'call_initiation_failure' AND conversation_id = '"
                + result.getString("conversation_id")
                + "'"));
  }

  @Test
  void theSimulatorAnswersLikeElevenLabs() {
    assertEquals(
        401,
        simulatorGet(answering, "/v1/convai/conversations/conv_x", null).statusCode(),
        "key required");
    assertEquals(
        404, simulatorGet(answering, "/v1/convai/conversations/conv_x", "key").statusCode());

    HttpResponse<Buffer> invalid =
        simulatorPost(
            answering,
            "/v1/convai/twilio/outbound-call",
            new JsonObject().put("agent_id", "a").put("to_number", "0123"));
    assertEquals(422, invalid.statusCode());
    String detail = invalid.bodyAsJsonObject().getJsonArray("detail").encode();
    assertTrue(detail.contains("agent_phone_number_id") && detail.contains("to_number"), detail);

    HttpResponse<Buffer> twiml =
        simulatorPost(
            answering,
            "/v1/convai/twilio/register-call",
            new JsonObject()
                .put("agent_id", "a")
                .put("from_number", "+15550101001")
                .put("to_number", "+15550100000")
                .put("direction", "inbound"));
    assertEquals(200, twiml.statusCode());
    assertTrue(
        twiml
            .bodyAsString()
            .matches(
                "(?s)<\\?xml.*<Response><Connect><Stream url=\"ws://127\\.0\\.0\\.1:\\d+/.*"
                    + "</Stream></Connect></Response>"),
        twiml.bodyAsString());
  }

  @Test
  void theSeedCreatesOnlyWhatIsMissingAndPrintsUsablePasswords() {
    assertEquals(
        2L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM users WHERE (username, role) IN (('admin', 'admin'), ('dispatcher', 'dispatcher'))"));
    assertEquals(
        5L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM drivers WHERE phone_number LIKE '+1555010%' AND driver_id LIKE 'D-10_'"));

    TestDatabase.execute("DELETE FROM " + schema + ".users WHERE username = 'dispatcher'");
    Pool pool = Database.createPool(vertx, TestDatabase.database(schema));
    try {
      DemoSeed.Seeded seeded = Await.result(new DemoSeed(vertx, pool, Passwords::hash).seed());
      assertEquals(0, seeded.driversCreated(), "drivers existed");
      DemoSeed.DemoUser admin = seeded.users().get(0);
      DemoSeed.DemoUser dispatcher = seeded.users().get(1);
      assertFalse(admin.created(), "admin existed: left alone");
      assertNull(admin.password(), "an existing user's password cannot be printed");
      assertTrue(dispatcher.created());
      String hash =
          (String)
              TestDatabase.queryValue(
                  schema, "SELECT password_hash FROM users WHERE username = 'dispatcher'");
      assertTrue(
          Passwords.verify(dispatcher.password(), hash), "the printed password is the stored one");
      HttpResponse<Buffer> login =
          api.post(
              "/auth/token",
              null,
              new JsonObject()
                  .put("username", "dispatcher")
                  .put("password", dispatcher.password()));
      assertEquals(200, login.statusCode(), login.bodyAsString());
    } finally {
      Await.result(pool.close());
    }
  }

  static HttpResponse<Buffer> simulatorGet(Node node, String path, String key) {
    URI base = node.config().elevenLabs().apiUrl();
    var request = http.get(base.getPort(), base.getHost(), path);
    if (key != null) {
      request.putHeader("xi-api-key", key);
    }
    return Await.result(request.send());
  }

  static HttpResponse<Buffer> simulatorPost(Node node, String path, JsonObject body) {
    URI base = node.config().elevenLabs().apiUrl();
    return Await.result(
        http.post(base.getPort(), base.getHost(), path)
            .putHeader("xi-api-key", "key")
            .sendJsonObject(body));
  }
}
