package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /calls/{id}/audio: the stored recording (PostgreSQL chunks), whole or by range, for a
 * dispatcher.
 */
class CallAudioTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx vertx;
  static ApiClient api;
  static WebClient raw;
  static final byte[] MP3 = new byte[1000];

  @BeforeAll
  static void setUp() throws Exception {
    schema = TestDatabase.freshSchema("audio");
    node = nodes.start(TestConfig.config(schema, Map.of()));
    vertx = Vertx.vertx();
    api = new ApiClient(vertx, node);
    raw = Http.client(vertx);
    for (int i = 0; i < MP3.length; i++) {
      MP3[i] = (byte) i;
    }
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, conversation_id, status) VALUES "
            + "('EL_A_1', 'conv_audio_1', 'completed'), ('CA0123456789abcdef0123456789abcdef', NULL, 'completed'), "
            + "('EL_A_2', 'conv_audio_2', 'completed') RETURNING 1");
    store(
        "conv_audio_1",
        "elevenlabs",
        300); // ElevenLabs' post_call_audio, by conversation id: 4 chunks
    store(
        "CA0123456789abcdef0123456789abcdef",
        "twilio",
        1 << 19); // a Twilio recording, by sid: one chunk
  }

  /**
   * A recording as the PostgreSQL store keeps it: a call_audio row and its chunks of {@code chunk}
   * bytes.
   */
  static void store(String key, String source, int chunk) {
    Object id =
        TestDatabase.queryValue(
            schema,
            "INSERT INTO call_audio (audio_key, source, size, chunk_size, sha256, "
                + "store) VALUES ('"
                + key
                + "', '"
                + source
                + "', "
                + MP3.length
                + ", "
                + chunk
                + ", 'x', 'postgres') "
                + "RETURNING id");
    for (int seq = 0; seq * chunk < MP3.length; seq++) {
      byte[] part = Arrays.copyOfRange(MP3, seq * chunk, Math.min(MP3.length, (seq + 1) * chunk));
      TestDatabase.queryValue(
          schema,
          "INSERT INTO call_audio_chunks (audio_id, seq, bytes) VALUES ("
              + id
              + ", "
              + seq
              + ", decode('"
              + HexFormat.of().formatHex(part)
              + "', 'hex')) RETURNING 1");
    }
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  private static HttpResponse<Buffer> get(String id, String range) {
    var request =
        raw.request(HttpMethod.GET, node.port(), "127.0.0.1", "/calls/" + id + "/audio")
            .putHeader("Authorization", "Bearer " + api.token("dispatcher"));
    if (range != null) {
      request.putHeader("Range", range);
    }
    return Await.result(request.send());
  }

  @Test
  void wholeFileByEitherIdentifier() {
    for (String id :
        new String[] {"EL_A_1", "conv_audio_1", "CA0123456789abcdef0123456789abcdef"}) {
      HttpResponse<Buffer> r = get(id, null);
      assertEquals(200, r.statusCode(), id);
      assertEquals("audio/mpeg", r.getHeader("Content-Type"));
      assertEquals("bytes", r.getHeader("Accept-Ranges"));
      assertArrayEquals(MP3, r.bodyAsBuffer().getBytes(), id);
    }
  }

  @Test
  void rangesForSeeking() {
    HttpResponse<Buffer> across = get("EL_A_1", "bytes=250-649"); // chunks 0, 1 and 2 of 300 bytes
    assertEquals(206, across.statusCode());
    assertEquals("bytes 250-649/1000", across.getHeader("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(MP3, 250, 650), across.bodyAsBuffer().getBytes());
    HttpResponse<Buffer> middle = get("EL_A_1", "bytes=10-19");
    assertEquals(206, middle.statusCode());
    assertEquals("bytes 10-19/1000", middle.getHeader("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(MP3, 10, 20), middle.bodyAsBuffer().getBytes());
    HttpResponse<Buffer> tail = get("EL_A_1", "bytes=-5");
    assertEquals(206, tail.statusCode());
    assertArrayEquals(Arrays.copyOfRange(MP3, 995, 1000), tail.bodyAsBuffer().getBytes());
    HttpResponse<Buffer> open = get("EL_A_1", "bytes=990-");
    assertEquals("bytes 990-999/1000", open.getHeader("Content-Range"));
    HttpResponse<Buffer> beyond = get("EL_A_1", "bytes=5000-");
    assertEquals(416, beyond.statusCode());
    assertEquals("bytes */1000", beyond.getHeader("Content-Range"));
  }

  @Test
  void noRecordingOrNoCallIs404AndAuthIsRequired() {
    assertEquals(404, get("EL_A_2", null).statusCode());
    assertEquals(404, get("EL_NOPE", null).statusCode());
    assertEquals(
        401,
        Await.result(raw.get(node.port(), "127.0.0.1", "/calls/EL_A_1/audio").send()).statusCode());
  }
}
