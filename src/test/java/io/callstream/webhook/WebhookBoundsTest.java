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
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.client.WebClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
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

  /** A raw HTTP/1.1 answer: status, headers (lower-case names), body text. */
  record RawResponse(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Sends a signed POST head declaring {@code declaredLength} bytes of body and no body, and reads
   * the answer the node gives before reading any of it (it closes the connection afterwards).
   */
  static RawResponse refusedBeforeItsBody(int port, String path, int declaredLength)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) Await.TIMEOUT.toMillis());
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + SignatureVerifier.HEADER
              + ": "
              + WebhookSigner.sign(new byte[0], TestConfig.WEBHOOK_SECRET)
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + declaredLength
              + "\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String statusLine = in.readLine();
      if (statusLine == null) {
        throw new AssertionError("the node closed the connection without an answer");
      }
      Map<String, String> headers = new HashMap<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      char[] body = new char[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
      int read = 0;
      while (read < body.length) {
        int n = in.read(body, read, body.length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      return new RawResponse(
          Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, 0, read));
    }
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
    // used to the end: Vert.x closes an unreachable NetClient and its connections
    NetClient raw = clientVertx.createNetClient();
    NetSocket slow = Await.result(raw.connect(node.port(), "127.0.0.1"));
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

    // refused on the declared length, before the body is read: the senders here stop after the
    // head, so the server's close after its answer finds nothing unread (a sender still writing its
    // body may see that close as a reset before it reads the 503, a race of TCP, not of the node)
    RawResponse refused = refusedBeforeItsBody(node.port(), WebhookRole.POST_CALL, 200_000);
    assertEquals(503, refused.status(), refused.body());
    assertEquals(WebhookAnswers.RETRY_AFTER_SECONDS, refused.header("Retry-After"));
    assertEquals("error", new JsonObject(refused.body()).getString("status"));
    RawResponse turn = refusedBeforeItsBody(node.port(), WebhookRole.TRANSCRIPTION, 100_000);
    assertEquals(503, turn.status(), turn.body());
    assertEquals(WebhookAnswers.RETRY_AFTER_SECONDS, turn.header("Retry-After"));
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
    Await.result(raw.close());
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
