package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.CONVERSATION_ID;
import static io.callstream.webhook.WebhookTestSupport.bytes;
import static io.callstream.webhook.WebhookTestSupport.count;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static io.callstream.webhook.WebhookTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.EventRecorder;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, findings 4 and 5: a signed post-call body that cannot be applied is kept (status
 * failed, raw bytes, the error) and a redelivery counts another attempt; a redelivered, already
 * applied body re-publishes the call's end.
 */
class InboxKeepsEverythingTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx clientVertx;
  static WebClient client;
  static EventRecorder recorder;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("inboxkeep");
    node = nodes.start(TestConfig.config(schema));
    clientVertx = Vertx.vertx();
    client = Http.client(clientVertx);
    recorder = EventRecorder.on(node);
  }

  @AfterAll
  static void tearDown() {
    recorder.close();
    nodes.close();
    Await.result(clientVertx.close());
    TestDatabase.dropSchema(schema);
  }

  @Test
  void aBodyPostgresCannotStoreIsKeptAsFailedWithItsRawBytes() {
    JsonObject body = new JsonObject(Buffer.buffer(fixture("post_call_transcription.json")));
    body.getJsonObject("data")
        .put("conversation_id", "conv_nul_1")
        .getJsonObject("analysis")
        .put("transcript_summary", "a NUL \u0000 inside");
    byte[] raw = bytes(body.encode());
    HttpResponse<Buffer> first = post(client, node.port(), WebhookRole.POST_CALL, raw);
    assertEquals(400, first.statusCode(), first.bodyAsString());
    assertEquals(
        "failed 1",
        TestDatabase.queryValue(
            schema,
            "SELECT status || ' ' || attempts FROM webhook_events WHERE conversation_id = 'conv_nul_1'"));
    assertArrayEquals(
        raw,
        (byte[])
            TestDatabase.queryValue(
                schema,
                "SELECT raw_body FROM webhook_events WHERE conversation_id = 'conv_nul_1'"));
    assertTrue(
        String.valueOf(
                TestDatabase.queryValue(
                    schema,
                    "SELECT error FROM webhook_events WHERE conversation_id = 'conv_nul_1'"))
            .contains("22"),
        "the error names the SQLSTATE");
    // ElevenLabs does not retry a 400; a redelivery by hand fails again and counts, still one row
    assertEquals(400, post(client, node.port(), WebhookRole.POST_CALL, raw).statusCode());
    assertEquals(
        "failed 2",
        TestDatabase.queryValue(
            schema,
            "SELECT status || ' ' || attempts FROM webhook_events WHERE conversation_id = 'conv_nul_1'"));
  }

  @Test
  void aRedeliveryAnnouncesTheEndAgainOnlyWhenTheFirstDeliveryNeverDid() {
    long callId = insertCall(schema, CALL_SID, CONVERSATION_ID, "in_progress");
    byte[] body = fixture("post_call_transcription.json");
    assertEquals(200, post(client, node.port(), WebhookRole.POST_CALL, body).statusCode());
    recorder.settle(node);
    int before = recorder.of(callId).size();
    assertEquals(
        List.of("call_status", "call_completed"),
        recorder.types(callId).subList(before - 2, before));
    // announced: a redelivery is a plain duplicate
    assertEquals(
        true,
        post(client, node.port(), WebhookRole.POST_CALL, body)
            .bodyAsJsonObject()
            .getBoolean("duplicate"));
    recorder.settle(node);
    assertEquals(before, recorder.of(callId).size());
    // the node that applied it died between the commit and the publish (no published_at, applied a
    // while ago)
    TestDatabase.queryValue(
        schema,
        "UPDATE webhook_events SET published_at = NULL, processed_at = now() - "
            + "interval '1 minute' WHERE conversation_id = '"
            + CONVERSATION_ID
            + "' RETURNING 1");
    HttpResponse<Buffer> again = post(client, node.port(), WebhookRole.POST_CALL, body);
    assertEquals(true, again.bodyAsJsonObject().getBoolean("duplicate"));
    recorder.settle(node);
    assertEquals(
        List.of("call_status", "call_completed"),
        recorder.types(callId).subList(before, before + 2));
    assertEquals(before + 2, recorder.of(callId).size());
    assertEquals(
        1,
        count(
            schema,
            "SELECT count(*) FROM webhook_events WHERE conversation_id = '"
                + CONVERSATION_ID
                + "'"));
    assertEquals(
        "completed", new JsonObject(recorder.of(callId).get(before).frame()).getString("status"));
  }
}
