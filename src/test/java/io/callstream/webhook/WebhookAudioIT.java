package io.callstream.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.ApiContract;
import io.callstream.support.NodeProcess;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.WebhookSigner;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 50 MiB post_call_audio body, streamed chunked (generated on the fly, never held by the test
 * either) to the packaged jar running with a 96 MiB heap: it answers 200 only once the decoded
 * audio is committed to PostgreSQL (chunk rows), byte for byte.
 */
class WebhookAudioIT {
  static final int BLOCK =
      3 * 16_384; // raw bytes per generated block (a multiple of 3: no padding)
  static final int BLOCKS = 800; // 800 * 64 KiB of base64 = 50 MiB of body
  static final String CONVERSATION_ID = "conv_big_audio_1";

  static String schema;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("webhook_audio");
  }

  @AfterAll
  static void tearDown() {
    TestDatabase.dropSchema(schema);
  }

  /**
   * The body: envelope prefix, base64 of BLOCKS seeded-random blocks, suffix; the same bytes on
   * every call.
   */
  static InputStream body() {
    byte[] prefix =
        ("{\"type\":\"post_call_audio\",\"event_timestamp\":1795262415,\"data\":{\"agent_id\":\"agent_x\","
                + "\"conversation_id\":\""
                + CONVERSATION_ID
                + "\",\"full_audio\":\"")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] suffix = "\"}}".getBytes(StandardCharsets.US_ASCII);
    return new InputStream() {
      final Random random = new Random(42);
      byte[] current = prefix;
      int pos;
      int block;
      boolean done;

      private boolean refill() {
        if (done) {
          return false;
        }
        if (block < BLOCKS) {
          byte[] raw = new byte[BLOCK];
          random.nextBytes(raw);
          current = Base64.getEncoder().encode(raw);
          block++;
        } else {
          current = suffix;
          done = true;
        }
        pos = 0;
        return true;
      }

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        while (pos >= current.length) {
          if (!refill()) {
            return -1;
          }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }

  static String expectedAudioSha256() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(42);
    byte[] raw = new byte[BLOCK];
    for (int i = 0; i < BLOCKS; i++) {
      random.nextBytes(raw);
      sha.update(raw);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static String signature(long t) throws Exception {
    long[] size = new long[1];
    String header;
    try (InputStream in =
        new FilterInputStream(body()) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            size[0] += Math.max(n, 0);
            return n;
          }
        }) {
      header = WebhookSigner.sign(in, TestConfig.WEBHOOK_SECRET, t);
    }
    assertTrue(size[0] > 50L << 20, "more than 50 MiB: " + size[0]);
    return header;
  }

  @Test
  void fiftyMibAudioWithA96MibHeapIsInPostgresWhenThe200Arrives() throws Exception {
    Path spoolDir = Files.createTempDirectory("callstream-audio-it-");
    Map<String, String> env = new HashMap<>(TestConfig.env(schema));
    env.put("WEBHOOK_SPOOL_DIR", spoolDir.toString());
    env.put("HTTP_INSTANCES", "1");
    env.put("CALLSTREAM_HEAP", "96m"); // bin/node: -Xms96m -Xmx96m
    try (NodeProcess node = NodeProcess.start("audio", env)) {
      node.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      String header = signature(System.currentTimeMillis() / 1000);
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + node.port() + WebhookRole.POST_CALL))
              .header(SignatureVerifier.HEADER, header)
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(180))
              .POST(
                  HttpRequest.BodyPublishers.ofInputStream(
                      WebhookAudioIT::body)) // unknown length: chunked
              .build();
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body() + "\n" + node.log());
      ApiContract.check(
          "POST",
          WebhookRole.POST_CALL,
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body());
      // committed before the answer: the moment the 200 is here, PostgreSQL has every byte
      assertEquals(
          (long) BLOCK * BLOCKS + " " + expectedAudioSha256() + " " + expectedAudioSha256(),
          TestDatabase.queryValue(
              schema,
              "SELECT a.size || ' ' || a.sha256 || ' ' || encode(sha256("
                  + "string_agg(c.bytes, ''::bytea ORDER BY c.seq)), 'hex') FROM call_audio a "
                  + "JOIN call_audio_chunks c ON c.audio_id = a.id WHERE a.audio_key = '"
                  + CONVERSATION_ID
                  + "' "
                  + "GROUP BY a.id"));
      assertFalse(node.log().contains("OutOfMemoryError"), node.log());
      try (var files = Files.list(spoolDir)) {
        assertEquals(
            List.of(),
            files.map(p -> p.getFileName().toString()).toList(),
            "the spool file is gone");
      }
      assertEquals(0, node.terminate(Duration.ofSeconds(20)), node.log());
    }
  }
}
