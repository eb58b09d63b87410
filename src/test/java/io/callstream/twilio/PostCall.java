package io.callstream.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.WebhookSigner;
import io.callstream.webhook.SignatureVerifier;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ElevenLabs' post-call webhook for an inbound call: the fixture, with the CA sid as
 * callstream_call_sid.
 */
final class PostCall {
  static final Path FIXTURE =
      Path.of(
          System.getProperty("callstream.fixtures", "src/test/resources/fixtures"),
          "post_call_transcription.json");
  static final String SUMMARY =
      "The agent called Marco about a speeding alert on route 9. He explained the limit "
          + "sign is hidden; the agent logged it and asked him to keep to 50 there.";
  static final long EVENT_TIMESTAMP = 1795262410L;
  static final int DURATION = 24;

  private PostCall() {}

  static String conversationId(String callSid) {
    return "conv_" + callSid.toLowerCase();
  }

  /** Posts the signed webhook; asserts 200. */
  static void deliver(WebClient client, Node node, String callSid) {
    JsonObject body;
    try {
      body = new JsonObject(Files.readString(FIXTURE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonObject data = body.getJsonObject("data").put("conversation_id", conversationId(callSid));
    data.getJsonObject("conversation_initiation_client_data")
        .getJsonObject("dynamic_variables")
        .put("callstream_call_sid", callSid)
        .put("system__call_sid", callSid);
    byte[] bytes = body.toBuffer().getBytes();
    HttpResponse<Buffer> r =
        Await.result(
            client
                .post(node.port(), "127.0.0.1", "/webhooks/elevenlabs/post-call")
                .putHeader(
                    SignatureVerifier.HEADER, WebhookSigner.sign(bytes, TestConfig.WEBHOOK_SECRET))
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(bytes)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  /** Every post-call column holds ElevenLabs' value. */
  static void assertElevenLabsData(String schema, String callSid) {
    assertEquals("completed", TwilioTestSupport.column(schema, callSid, "status"));
    assertEquals(
        conversationId(callSid), TwilioTestSupport.column(schema, callSid, "conversation_id"));
    assertEquals(SUMMARY, TwilioTestSupport.column(schema, callSid, "transcript_summary"));
    assertEquals(DURATION, TwilioTestSupport.column(schema, callSid, "call_duration_seconds"));
    assertEquals(187.0, TwilioTestSupport.column(schema, callSid, "cost"));
    assertEquals(
        EVENT_TIMESTAMP,
        ((Number)
                TestDatabase.queryValue(
                    schema,
                    "SELECT extract(epoch FROM "
                        + "call_end_time)::bigint FROM calls WHERE call_sid = '"
                        + callSid
                        + "'"))
            .longValue());
    assertEquals(true, TwilioTestSupport.column(schema, callSid, "call_successful"));
  }
}
