package io.callstream.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.S3Server;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.support.WebhookSigner;
import io.callstream.webhook.SignatureVerifier;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AUDIO_STORE=s3 against a real S3-compatible server (S3Proxy): post_call_audio through the signed
 * webhook lands as one object (multipart above 5 MiB, a single PUT below), indexed in call_audio,
 * served whole and by range; a second recording under the same key replaces the first and its
 * object; retention deletes row and object.
 */
class S3AudioStoreTest {
  static S3Server s3;
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx vertx;
  static WebClient http;
  static ApiClient api;

  @BeforeAll
  static void setUp() throws Exception {
    s3 = S3Server.start();
    schema = TestDatabase.freshSchema("audio_s3");
    Map<String, String> settings = new HashMap<>(s3.settings());
    settings.put("AUDIO_RETENTION_DAYS", "30");
    settings.put("AUDIO_RETENTION_INTERVAL_SECONDS", "1");
    node = nodes.start(TestConfig.config(schema, settings));
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    api = new ApiClient(vertx, node);
  }

  @AfterAll
  static void tearDown() throws Exception {
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
    s3.close();
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void post(String conversationId, byte[] mp3) {
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
    HttpResponse<Buffer> r =
        Await.result(
            http.post(node.port(), "127.0.0.1", WebhookRole.POST_CALL)
                .putHeader(
                    SignatureVerifier.HEADER, WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
                .sendBuffer(Buffer.buffer(body)));
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  static HttpResponse<Buffer> get(String id, String range) {
    var request =
        http.get(node.port(), "127.0.0.1", "/calls/" + id + "/audio")
            .putHeader("Authorization", "Bearer " + api.token("dispatcher"));
    if (range != null) {
      request.putHeader("Range", range);
    }
    return Await.result(request.send());
  }

  static String objectKey(String audioKey) {
    return (String)
        TestDatabase.queryValue(
            schema,
            "SELECT object_key FROM call_audio WHERE audio_key = '"
                + audioKey
                + "' AND store = 's3'");
  }

  @Test
  void aMultipartRecordingRoundTripsWithRanges() {
    byte[] mp3 = random(12 * 1024 * 1024 + 5, 1); // three parts of 5 MiB (the last shorter)
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, conversation_id, status) VALUES "
            + "('EL_S3_1', 'conv_s3_1', 'completed') RETURNING 1");
    post("conv_s3_1", mp3);
    String key = objectKey("conv_s3_1");
    assertTrue(s3.keys().contains(key), key + " in " + s3.keys());
    assertEquals(
        (long) mp3.length,
        s3.client.headObject(b -> b.bucket(S3Server.BUCKET).key(key)).contentLength());
    assertEquals(
        0L,
        ((Number) TestDatabase.queryValue(schema, "SELECT count(*) FROM call_audio_chunks"))
            .longValue(),
        "no bytes in PostgreSQL");

    HttpResponse<Buffer> whole = get("EL_S3_1", null);
    assertEquals(200, whole.statusCode());
    assertArrayEquals(mp3, whole.bodyAsBuffer().getBytes());
    int from = 5 * 1024 * 1024 - 10;
    int to = from + 2 * 1024 * 1024; // across a part boundary and more than one read slice
    HttpResponse<Buffer> part = get("conv_s3_1", "bytes=" + from + "-" + to);
    assertEquals(206, part.statusCode());
    assertEquals("bytes " + from + "-" + to + "/" + mp3.length, part.getHeader("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(mp3, from, to + 1), part.bodyAsBuffer().getBytes());
    assertEquals(416, get("EL_S3_1", "bytes=" + mp3.length + "-").statusCode());
  }

  @Test
  void aSmallRecordingIsReplacedAndTheOldObjectDeleted() {
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, conversation_id, status) VALUES "
            + "('EL_S3_2', 'conv_s3_2', 'completed') RETURNING 1");
    byte[] first = random(1000, 2);
    post("conv_s3_2", first);
    String firstKey = objectKey("conv_s3_2");
    byte[] second = random(2000, 3);
    post("conv_s3_2", second);
    String secondKey = objectKey("conv_s3_2");
    assertArrayEquals(second, get("EL_S3_2", null).bodyAsBuffer().getBytes());
    assertArrayEquals(
        Arrays.copyOfRange(second, 100, 200),
        get("EL_S3_2", "bytes=100-199").bodyAsBuffer().getBytes());
    Await.until("the replaced object is deleted", () -> !s3.keys().contains(firstKey));
    assertTrue(s3.keys().contains(secondKey));
  }

  @Test
  void retentionDeletesTheRowAndTheObject() {
    byte[] mp3 = random(500, 4);
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, conversation_id, status) VALUES "
            + "('EL_S3_3', 'conv_s3_3', 'completed') RETURNING 1");
    post("conv_s3_3", mp3);
    String key = objectKey("conv_s3_3");
    TestDatabase.queryValue(
        schema,
        "UPDATE call_audio SET created_at = now() - interval '31 days' "
            + "WHERE audio_key = 'conv_s3_3' RETURNING 1");
    Await.until("the object is deleted", () -> !s3.keys().contains(key));
    assertEquals(
        0L,
        ((Number)
                TestDatabase.queryValue(
                    schema, "SELECT count(*) FROM call_audio WHERE audio_key = 'conv_s3_3'"))
            .longValue());
    assertEquals(404, get("EL_S3_3", null).statusCode());
    assertEquals(List.of(), s3.keys().stream().filter(k -> k.equals(key)).toList());
  }
}
