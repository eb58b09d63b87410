package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The post-call webhook arrives before callstream knows the conversation id (404, parked in the
 * inbox); when the call is started and ElevenLabs returns that id, the parked event completes the
 * call with no second delivery.
 */
class ParkedWebhookTest {
  static FakeElevenLabsNode fixture;
  static String schema;
  static Vertx vertx;
  static FakeElevenLabs fake;
  static Node node;

  @BeforeAll
  static void setUp() {
    fixture = FakeElevenLabsNode.start("parked");
    schema = fixture.schema();
    vertx = fixture.vertx();
    fake = fixture.fake();
    node = fixture.node();
  }

  @AfterAll
  static void tearDown() {
    fixture.close();
  }

  @Test
  void aParkedWebhookCompletesTheCallOnceItsConversationIdIsKnown() {
    ApiClient api = fixture.api();
    String conv = "conv_parked_0001";
    assertEquals(
        201,
        api.put(
                "/drivers/P-1",
                api.token("admin"),
                new JsonObject().put("name", "Marco").put("phone_number", "+15550000201"))
            .statusCode());
    fake.dialledConversationId("+15550000201", conv);

    // the webhook names only the conversation id (no callstream_call_sid): nobody knows it yet
    byte[] body =
        new JsonObject()
            .put("type", "post_call_transcription")
            .put("event_timestamp", ConversationFixture.START + ConversationFixture.DURATION)
            .put("data", ConversationFixture.conversation(conv, null))
            .toBuffer()
            .getBytes();
    HttpResponse<Buffer> parked =
        Await.result(
            Http.client(vertx)
                .post(node.port(), "127.0.0.1", "/webhooks/elevenlabs/post-call")
                .putHeader(
                    "ElevenLabs-Signature", WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    assertEquals(404, parked.statusCode(), parked.bodyAsString());
    assertEquals(1L, TestDatabase.queryValue(schema, "SELECT count(*) FROM webhook_events"));

    HttpResponse<Buffer> started =
        api.post(
            "/driver_data/call-elevenlabs",
            api.token("dispatcher"),
            new JsonObject()
                .put("driver_ids", new JsonArray().add("P-1"))
                .put("violation_types", new JsonArray().add("speeding")));
    assertEquals(200, started.statusCode(), started.bodyAsString());
    JsonObject result = started.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertEquals(conv, result.getString("conversation_id"));
    String sid = result.getString("call_sid");

    Await.until(
        "call " + sid + " is completed",
        () ->
            "completed"
                .equals(
                    TestDatabase.queryValue(
                        schema, "SELECT status FROM calls WHERE call_sid = '" + sid + "'")));
    assertEquals(
        "completed",
        TestDatabase.queryValue(schema, "SELECT status FROM calls WHERE call_sid = '" + sid + "'"));
    assertEquals(
        "completed",
        result.getString("status"),
        "the dial's answer already reflects the parked event");
    assertEquals(
        "Driver explained the hidden sign.",
        TestDatabase.queryValue(
            schema, "SELECT transcript_summary FROM calls WHERE call_sid = '" + sid + "'"));
    assertEquals(2L, TestDatabase.queryValue(schema, "SELECT count(*) FROM transcriptions"));
    assertEquals(
        1L,
        TestDatabase.queryValue(schema, "SELECT count(*) FROM webhook_events"),
        "no second delivery");
    assertEquals("processed", TestDatabase.queryValue(schema, "SELECT status FROM webhook_events"));
  }
}
