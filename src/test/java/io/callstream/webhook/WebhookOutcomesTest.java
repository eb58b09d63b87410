package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.CONVERSATION_ID;
import static io.callstream.webhook.WebhookTestSupport.bytes;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static io.callstream.webhook.WebhookTestSupport.post;
import static io.callstream.webhook.WebhookTestSupport.postWithHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of webhook outcome on a real node (issue 20 item 4): the status and body each delivery
 * is answered with, and the {@code callstream_webhooks_total{endpoint,type,outcome}} series it
 * counts in (the labels alert rules and MetricsCardinalityTest rely on). Each test has its own call
 * identifiers, so they share one node.
 */
class WebhookOutcomesTest {
  static final TestNodes nodes = new TestNodes();
  static String schema;
  static Node node;
  static Vertx clientVertx;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("outcomes");
    node = nodes.start(TestConfig.config(schema, Map.of()));
    clientVertx = Vertx.vertx();
    client = Http.client(clientVertx);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(clientVertx.close());
    TestDatabase.dropSchema(schema);
  }

  @Test
  void postCallParkedAppliedDuplicateIgnored() {
    byte[] body = fixture("post_call_transcription.json");
    HttpResponse<Buffer> parked =
        counted(
            "post_call",
            "post_call_transcription",
            "parked",
            () -> post(client, node.port(), WebhookRole.POST_CALL, body));
    assertError(
        404, "unknown call: the event is kept and will be applied when the call appears", parked);

    insertCall(schema, CALL_SID, CONVERSATION_ID, "in_progress");
    HttpResponse<Buffer> applied =
        counted(
            "post_call",
            "post_call_transcription",
            "applied",
            () -> post(client, node.port(), WebhookRole.POST_CALL, body));
    assertAnswer(new JsonObject().put("status", "success"), applied);

    HttpResponse<Buffer> duplicate =
        counted(
            "post_call",
            "post_call_transcription",
            "duplicate",
            () -> post(client, node.port(), WebhookRole.POST_CALL, body));
    assertAnswer(new JsonObject().put("status", "success").put("duplicate", true), duplicate);

    byte[] unknownType =
        bytes(
            "{\"type\":\"post_call_summary\",\"event_timestamp\":1795262410,"
                + "\"data\":{\"conversation_id\":\"conv_outcomes_other\"}}");
    HttpResponse<Buffer> ignored =
        counted(
            "post_call",
            "other",
            "ignored",
            () -> post(client, node.port(), WebhookRole.POST_CALL, unknownType));
    assertAnswer(new JsonObject().put("status", "success").put("ignored", true), ignored);
  }

  @Test
  void postCallRefusals() {
    HttpResponse<Buffer> malformed =
        counted(
            "post_call",
            "unknown",
            "invalid",
            () -> post(client, node.port(), WebhookRole.POST_CALL, bytes("{")));
    assertError(400, "malformed JSON body", malformed);

    HttpResponse<Buffer> unsigned =
        counted(
            "post_call",
            "unknown",
            "rejected_signature",
            () ->
                postWithHeader(
                    client,
                    node.port(),
                    WebhookRole.POST_CALL,
                    fixture("post_call_transcription.json"),
                    SignatureVerifier.HEADER,
                    "t=1,v0=00"));
    assertEquals(401, unsigned.statusCode(), unsigned.bodyAsString());
    assertEquals("error", unsigned.bodyAsJsonObject().getString("status"));
  }

  @Test
  void liveTurnAppliedDuplicateAndRefusals() {
    insertCall(schema, "CA_outcomes_turn", null, "in_progress");
    byte[] turn =
        bytes(
            "{\"call_sid\":\"CA_outcomes_turn\",\"speaker\":\"user\",\"message\":\"hello\","
                + "\"timestamp\":\"2026-11-21T11:19:07Z\"}");
    HttpResponse<Buffer> applied =
        counted(
            "transcription",
            "live_turn",
            "applied",
            () -> post(client, node.port(), WebhookRole.TRANSCRIPTION, turn));
    assertEquals(200, applied.statusCode(), applied.bodyAsString());
    JsonObject first = applied.bodyAsJsonObject();
    assertEquals("success", first.getString("status"));
    assertEquals(1, first.getInteger("sequence_number"));
    assertEquals(false, first.getBoolean("duplicate"));

    HttpResponse<Buffer> duplicate =
        counted(
            "transcription",
            "live_turn",
            "duplicate",
            () -> post(client, node.port(), WebhookRole.TRANSCRIPTION, turn));
    assertAnswer(first.copy().put("duplicate", true), duplicate);

    byte[] unknownCall =
        bytes(
            "{\"call_sid\":\"CA_outcomes_nobody\",\"speaker\":\"user\",\"message\":\"hi\","
                + "\"timestamp\":\"2026-11-21T11:19:07Z\"}");
    assertError(
        400,
        "unknown call",
        counted(
            "transcription",
            "live_turn",
            "invalid",
            () -> post(client, node.port(), WebhookRole.TRANSCRIPTION, unknownCall)));

    assertError(
        400,
        "body is not a JSON object",
        counted(
            "transcription",
            "live_turn",
            "invalid",
            () -> post(client, node.port(), WebhookRole.TRANSCRIPTION, bytes("["))));
    assertError(
        400,
        "speaker must be \"agent\" or \"user\"",
        counted(
            "transcription",
            "live_turn",
            "invalid",
            () ->
                post(
                    client,
                    node.port(),
                    WebhookRole.TRANSCRIPTION,
                    bytes("{\"call_sid\":\"x\"}"))));

    byte[] huge = new byte[(1 << 20) + 1];
    Arrays.fill(huge, (byte) ' ');
    assertError(
        413,
        "request body too large",
        counted(
            "transcription",
            "unknown",
            "invalid",
            () -> post(client, node.port(), WebhookRole.TRANSCRIPTION, huge)));

    HttpResponse<Buffer> unsigned =
        counted(
            "transcription",
            "unknown",
            "rejected_signature",
            () ->
                postWithHeader(
                    client,
                    node.port(),
                    WebhookRole.TRANSCRIPTION,
                    turn,
                    SignatureVerifier.HEADER,
                    "t=1,v0=00"));
    assertEquals(401, unsigned.statusCode(), unsigned.bodyAsString());
    assertEquals("error", unsigned.bodyAsJsonObject().getString("status"));
  }

  /** Sends, and checks that exactly this series went up by one once the answer ended. */
  private static HttpResponse<Buffer> counted(
      String endpoint, String type, String outcome, Supplier<HttpResponse<Buffer>> send) {
    double before = count(endpoint, type, outcome);
    HttpResponse<Buffer> response = send.get();
    Await.until(
        endpoint + "/" + type + "/" + outcome + " counted",
        () -> count(endpoint, type, outcome) >= before + 1);
    assertEquals(before + 1, count(endpoint, type, outcome), endpoint + "/" + type + "/" + outcome);
    return response;
  }

  private static double count(String endpoint, String type, String outcome) {
    Counter c =
        node.registry()
            .find("callstream_webhooks")
            .tag("endpoint", endpoint)
            .tag("type", type)
            .tag("outcome", outcome)
            .counter();
    return c == null ? 0 : c.count();
  }

  private static void assertAnswer(JsonObject expected, HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(expected, r.bodyAsJsonObject());
  }

  private static void assertError(int status, String error, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("error", r.bodyAsJsonObject().getString("status"), r.bodyAsString());
    assertEquals(error, r.bodyAsJsonObject().getString("error"), r.bodyAsString());
  }
}
