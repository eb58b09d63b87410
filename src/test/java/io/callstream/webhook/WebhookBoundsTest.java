package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large webhook bodies are capped per node (WEBHOOK_MAX_CONCURRENT_SPOOLS; one more is a 503 with
 * Retry-After), and spool and partial audio files left by a dead node are removed at start-up.
 */
class WebhookBoundsTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx clientVertx;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("whbounds");
    clientVertx = Vertx.vertx();
    client = Http.client(clientVertx);
  }

  @AfterAll
  static void tearDown() {
    Await.result(clientVertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static byte[] junk(int size) {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    return body; // malformed JSON: a 400 once read, which is all these tests need
  }

  static void await(String what, Supplier<Boolean> condition) {
    Await.until(what, condition::get);
  }

  @Test
  void oneLargeBodyTooManyIsRefused503UntilAPlaceIsFree() throws Exception {
    Path audioDir = Files.createTempDirectory("callstream-bounds-");
    Node node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "WEBHOOK_MAX_CONCURRENT_SPOOLS",
                    "1",
                    "WEBHOOK_SPOOL_DIR",
                    audioDir.toString())));
    LocalMap<String, Integer> inProgress = node.vertx().sharedData().getLocalMap(LargeBodies.MAP);

    // a slow sender of a large body holds the only place
    NetSocket slow = Await.result(clientVertx.createNetClient().connect(node.port(), "127.0.0.1"));
    String head =
        "POST "
            + WebhookRole.POST_CALL
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + SignatureVerifier.HEADER
            + ": "
            + WebhookSigner.sign(new byte[0], TestConfig.WEBHOOK_SECRET)
            + "\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
            + (3 << 20)
            + "\r\n\r\n";
    Await.result(
        slow.write(
            Buffer.buffer(head.getBytes(StandardCharsets.US_ASCII)).appendBytes(junk(100_000))));
    await("the slow body holds a place", () -> Objects.equals(1, inProgress.get(LargeBodies.KEY)));

    HttpResponse<Buffer> refused = post(client, node.port(), WebhookRole.POST_CALL, junk(200_000));
    assertEquals(503, refused.statusCode(), refused.bodyAsString());
    assertEquals(WebhookAnswers.RETRY_AFTER_SECONDS, refused.getHeader("Retry-After"));
    assertEquals("error", refused.bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> turn = post(client, node.port(), WebhookRole.TRANSCRIPTION, junk(100_000));
    assertEquals(503, turn.statusCode(), turn.bodyAsString());
    assertEquals(WebhookAnswers.RETRY_AFTER_SECONDS, turn.getHeader("Retry-After"));
    // small bodies need no place
    assertEquals(400, post(client, node.port(), WebhookRole.POST_CALL, junk(1000)).statusCode());
    assertEquals(
        400, post(client, node.port(), WebhookRole.TRANSCRIPTION, junk(1000)).statusCode());

    // the slow sender goes away: its place is given back
    Await.result(slow.close());
    await("the place is given back", () -> inProgress.get(LargeBodies.KEY) == null);
    assertEquals(400, post(client, node.port(), WebhookRole.POST_CALL, junk(200_000)).statusCode());
    assertEquals(
        400, post(client, node.port(), WebhookRole.TRANSCRIPTION, junk(100_000)).statusCode());
    await("every place is free again", () -> inProgress.get(LargeBodies.KEY) == null);
  }

  @Test
  void staleSpoolAndPartialAudioFilesOfAFormerAudioDirAreRemovedAtStartUp() throws Exception {
    Path audioDir = Files.createTempDirectory("callstream-stale-");
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    Path staleSpool = Files.writeString(audioDir.resolve("callstream-webhook-123.spool"), "{");
    Path stalePart = Files.writeString(audioDir.resolve(".audio-456.part"), "ID3");
    Path staleRecording = Files.writeString(audioDir.resolve(".recording-CA1-789.part"), "ID3");
    Path oldMp3 = Files.writeString(audioDir.resolve("conv_1.mp3"), "ID3");
    for (Path p : new Path[] {staleSpool, stalePart, staleRecording, oldMp3}) {
      Files.setLastModifiedTime(p, old);
    }
    // another node on this host may be receiving into this one right now
    Path liveSpool = Files.writeString(audioDir.resolve("callstream-webhook-789.spool"), "{");

    nodes.start(TestConfig.config(schema, Map.of("AUDIO_DIR", audioDir.toString())));
    assertFalse(Files.exists(staleSpool));
    assertFalse(Files.exists(stalePart));
    assertFalse(Files.exists(staleRecording), "a Twilio download left by an older release");
    assertTrue(Files.exists(oldMp3), "stored audio is kept");
    assertTrue(Files.exists(liveSpool), "a spool still being written is kept");
  }
}
