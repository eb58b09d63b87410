package io.callstream.twilio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TwoNodeCluster;
import io.callstream.support.WebhookSigner;
import io.callstream.webhook.SignatureVerifier;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 3: a recording received by one node is served by the other, whole and by range,
 * with no setting beyond the database (two clustered nodes on one schema, no shared disk, no
 * AUDIO_DIR): ElevenLabs' post_call_audio through the real signed webhook, a Twilio recording
 * through the real recording callback (a fake Twilio serves the media), and the retention pass
 * (AUDIO_RETENTION_DAYS) on the same nodes.
 */
class RecordingsAcrossNodesTest {
  static Vertx twilioVertx;
  static FakeTwilio twilio;
  static TwoNodeCluster cluster;
  static WebClient http;

  @BeforeAll
  static void setUp() {
    twilioVertx = Vertx.vertx();
    twilio = new FakeTwilio(twilioVertx).start();
    cluster =
        TwoNodeCluster.start(
            "audio_nodes",
            Map.of(
                "TWILIO_AUTH_TOKEN",
                FakeTwilio.AUTH_TOKEN,
                "TWILIO_ACCOUNT_SID",
                FakeTwilio.ACCOUNT_SID,
                "TWILIO_API_URL",
                twilio.url(),
                "PUBLIC_BASE_URL",
                TwilioTestSupport.PUBLIC_BASE_URL,
                "AUDIO_RETENTION_DAYS",
                "30",
                "AUDIO_RETENTION_INTERVAL_SECONDS",
                "1"));
    http = cluster.http(4);
  }

  @AfterAll
  static void tearDown() {
    cluster.close();
    twilio.close();
    Await.result(twilioVertx.close());
  }

  static HttpResponse<Buffer> audio(Node node, String id, String range) {
    var request =
        http.get(node.port(), "127.0.0.1", "/calls/" + id + "/audio")
            .putHeader("Authorization", "Bearer " + cluster.token());
    if (range != null) {
      request.putHeader("Range", range);
    }
    return Await.result(request.send());
  }

  static void insertCall(String callSid, String conversationId) {
    TestDatabase.queryValue(
        cluster.schema,
        "INSERT INTO calls (call_sid, conversation_id, status) VALUES ('"
            + callSid
            + "', "
            + (conversationId == null ? "NULL" : "'" + conversationId + "'")
            + ", 'completed') RETURNING 1");
  }

  /** Whole, across three chunks of 512 KiB, the tail, and beyond the end, all from {@code node}. */
  static void servedBy(Node node, String id, byte[] expected) {
    HttpResponse<Buffer> whole = audio(node, id, null);
    assertEquals(200, whole.statusCode(), whole.bodyAsString());
    assertEquals("audio/mpeg", whole.getHeader("Content-Type"));
    assertArrayEquals(expected, whole.bodyAsBuffer().getBytes());
    int from = 500_000;
    int to = 1_600_000; // chunks 0 to 3
    HttpResponse<Buffer> part = audio(node, id, "bytes=" + from + "-" + to);
    assertEquals(206, part.statusCode());
    assertEquals(
        "bytes " + from + "-" + to + "/" + expected.length, part.getHeader("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(expected, from, to + 1), part.bodyAsBuffer().getBytes());
    HttpResponse<Buffer> tail = audio(node, id, "bytes=-100");
    assertArrayEquals(
        Arrays.copyOfRange(expected, expected.length - 100, expected.length),
        tail.bodyAsBuffer().getBytes());
    HttpResponse<Buffer> beyond = audio(node, id, "bytes=" + expected.length + "-");
    assertEquals(416, beyond.statusCode());
    assertEquals("bytes */" + expected.length, beyond.getHeader("Content-Range"));
  }

  @Test
  void postCallAudioReceivedByOneNodeIsServedByTheOther() {
    byte[] mp3 = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(mp3);
    String conversationId = "conv_across_nodes_1";
    insertCall("EL_across_1", conversationId);
    byte[] body =
        new JsonObject()
            .put("type", "post_call_audio")
            .put("event_timestamp", 1795262415)
            .put(
                "data",
                new JsonObject()
                    .put("agent_id", "agent_x")
                    .put("conversation_id", conversationId)
                    .put("full_audio", Base64.getEncoder().encodeToString(mp3)))
            .toBuffer()
            .getBytes();
    HttpResponse<Buffer> posted =
        Await.result(
            http.post(cluster.a.port(), "127.0.0.1", WebhookRole.POST_CALL)
                .putHeader(
                    SignatureVerifier.HEADER, WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    assertEquals(200, posted.statusCode(), posted.bodyAsString());
    assertEquals(true, posted.bodyAsJsonObject().getBoolean("audio_stored"));
    servedBy(cluster.b, "EL_across_1", mp3);
    servedBy(cluster.a, conversationId, mp3);
  }

  @Test
  void aTwilioRecordingDownloadedByOneNodeIsServedByTheOther() {
    String sid = TwilioTestSupport.newCallSid();
    String recordingSid = "RE" + sid.substring(2);
    insertCall(sid, null);
    FakeTwilio.Media media = twilio.media(recordingSid, 2_000_000, 0, false);
    HttpResponse<Buffer> r =
        TwilioTestSupport.post(
            http,
            cluster.a,
            TwilioRoutes.RECORDING_STATUS,
            TwilioRecordingTest.recordingDone(
                sid, recordingSid, twilio.recordingUrl(recordingSid)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (long i = 0; i * FakeTwilio.CHUNK < media.size; i++) {
      expected.writeBytes(
          FakeTwilio.chunk(i, (int) Math.min(FakeTwilio.CHUNK, media.size - i * FakeTwilio.CHUNK)));
    }
    servedBy(cluster.b, sid, expected.toByteArray());
  }

  @Test
  void retentionDeletesOnlyRecordingsOlderThanTheSetting() {
    double before = expired();
    long old =
        ((Number)
                TestDatabase.queryValue(
                    cluster.schema,
                    "INSERT INTO call_audio (audio_key, source, size, "
                        + "chunk_size, sha256, store, created_at) VALUES ('conv_old_1', 'elevenlabs', 3, 524288, 'x', 'postgres', "
                        + "now() - interval '31 days') RETURNING id"))
            .longValue();
    TestDatabase.queryValue(
        cluster.schema,
        "INSERT INTO call_audio_chunks VALUES (" + old + ", 0, '\\x494433') " + "RETURNING 1");
    long recent =
        ((Number)
                TestDatabase.queryValue(
                    cluster.schema,
                    "INSERT INTO call_audio (audio_key, source, "
                        + "size, chunk_size, sha256, store, created_at) VALUES ('conv_recent_1', 'elevenlabs', 0, 524288, 'x', "
                        + "'postgres', now() - interval '29 days') RETURNING id"))
            .longValue();
    Await.until(
        "the old recording is deleted",
        () ->
            0L
                == ((Number)
                        TestDatabase.queryValue(
                            cluster.schema, "SELECT count(*) FROM call_audio WHERE id = " + old))
                    .longValue());
    assertEquals(
        0L,
        ((Number)
                TestDatabase.queryValue(
                    cluster.schema,
                    "SELECT count(*) FROM call_audio_chunks WHERE audio_id = " + old))
            .longValue(),
        "its chunks went with it");
    assertEquals(
        1L,
        ((Number)
                TestDatabase.queryValue(
                    cluster.schema, "SELECT count(*) FROM call_audio WHERE id = " + recent))
            .longValue());
    Await.until("counted", () -> expired() >= before + 1);
  }

  static double expired() {
    double sum = 0;
    for (Node n : cluster.nodes()) {
      var counter = n.resources().registry().find("callstream_audio_expired_total").counter();
      sum += counter == null ? 0 : counter.count();
    }
    return sum;
  }
}
