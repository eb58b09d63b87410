package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signed recording links (docs/sessions.md) across two nodes sharing one database and SECRET_KEY,
 * plus a third node that has rotated to a new key (the old one in SECRET_KEYS_PREVIOUS): a link
 * made by node A streams from B and C without a header, whole and by range; expired, forged,
 * altered, another call's, an access token, and a signed-out user's links are refused with the
 * right status and code; the signature appears in no log record.
 */
class AudioLinkTest {
  static final String OTHER_KEY = "a-rotated-secret-key-of-at-least-32-bytes!";
  static final byte[] MP3 = new byte[5000];

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node a;
  static Node b;
  static Node rotated;
  static Vertx vertx;
  static ApiClient api;
  static WebClient raw;
  static final List<String> logged = new CopyOnWriteArrayList<>();
  static final Handler CAPTURE =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r.getLoggerName() + " " + r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeAll
  static void setUp() {
    Logger.getLogger("").addHandler(CAPTURE);
    schema = TestDatabase.freshSchema("audiolink");
    Map<String, String> fast = Map.of("REVOCATION_CHECK_SECONDS", "2", "ACCESS_LOG", "true");
    a = nodes.start(TestConfig.config(schema, fast));
    b = nodes.start(TestConfig.config(schema, fast));
    rotated =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of("SECRET_KEY", OTHER_KEY, "SECRET_KEYS_PREVIOUS", TestConfig.SECRET_KEY)));
    vertx = Vertx.vertx();
    api = new ApiClient(vertx, a);
    raw = Http.client(vertx);
    for (int i = 0; i < MP3.length; i++) {
      MP3[i] = (byte) (i * 7);
    }
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, conversation_id, status) VALUES "
            + "('EL_L_1', 'conv_link_1', 'completed'), ('EL_L_2', 'conv_link_2', 'completed'), "
            + "('EL_L_3', 'conv_link_3', 'completed') RETURNING 1");
    store("conv_link_1");
    store("conv_link_2");
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".users (username, password_hash, role) VALUES ('lena', '"
            + Passwords.hash("lena-password")
            + "', 'dispatcher')");
  }

  /** A recording as the PostgreSQL store keeps it, in chunks of 2,000 bytes. */
  static void store(String key) {
    Object id =
        TestDatabase.queryValue(
            schema,
            "INSERT INTO call_audio (audio_key, source, size, chunk_size, sha256, store) VALUES ('"
                + key
                + "', 'elevenlabs', "
                + MP3.length
                + ", 2000, 'x', 'postgres') RETURNING id");
    for (int seq = 0; seq * 2000 < MP3.length; seq++) {
      byte[] part = Arrays.copyOfRange(MP3, seq * 2000, Math.min(MP3.length, (seq + 1) * 2000));
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
    Logger.getLogger("").removeHandler(CAPTURE);
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static JsonObject link(String call, String token) {
    HttpResponse<Buffer> r = api.post("/calls/" + call + "/audio/link", token, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("no-store", r.getHeader("Cache-Control"));
    return r.bodyAsJsonObject();
  }

  /** A GET with no Authorization header. */
  static HttpResponse<Buffer> fetch(Node node, String url, String range) {
    var request = raw.request(HttpMethod.GET, node.port(), "127.0.0.1", url);
    if (range != null) {
      request.putHeader("Range", range);
    }
    return Await.result(request.send());
  }

  static String sig(String url) {
    return url.substring(url.indexOf("sig=") + 4);
  }

  @Test
  void aLinkStreamsFromEveryNodeWithoutAHeaderWholeAndByRange() {
    JsonObject link = link("conv_link_1", api.token("dispatcher"));
    String url = link.getString("url");
    assertTrue(url.startsWith("/calls/EL_L_1/audio?sig="), url);
    assertEquals(900, link.getInteger("expires_in"));
    assertTrue(Instant.parse(link.getString("expires_at")).isAfter(Instant.now().plusSeconds(800)));
    for (Node node : List.of(a, b, rotated)) {
      HttpResponse<Buffer> whole = fetch(node, url, null);
      assertEquals(200, whole.statusCode(), whole.bodyAsString());
      assertArrayEquals(MP3, whole.body().getBytes());
      HttpResponse<Buffer> part = fetch(node, url, "bytes=1500-2600");
      assertEquals(206, part.statusCode());
      assertEquals("bytes 1500-2600/5000", part.getHeader("Content-Range"));
      assertArrayEquals(Arrays.copyOfRange(MP3, 1500, 2601), part.body().getBytes());
    }
    assertEquals(416, fetch(b, url, "bytes=6000-").statusCode());
    String signature = sig(url);
    assertFalse(
        logged.stream().anyMatch(line -> line.contains(signature)),
        "the signature is in a log record");
    assertTrue(
        logged.stream().anyMatch(line -> line.contains("route=/calls/:id/audio status=206")),
        "the access log saw the requests: " + logged.size() + " records");
  }

  @Test
  void expiredForgedAlteredAndMisusedLinksAreRefused() {
    String token = api.token("dispatcher");
    String url = link("EL_L_1", token).getString("url");
    String signature = sig(url);

    String expired =
        new Tokens(vertx, a.config().auth())
            .sign(
                new JsonObject()
                    .put("sub", "test-dispatcher")
                    .put("gen", 0)
                    .put("use", "audio")
                    .put("call", "EL_L_1")
                    .put("exp", Instant.now().minusSeconds(5).getEpochSecond()),
                0);
    assertRefused(fetch(b, "/calls/EL_L_1/audio?sig=" + expired, null), 401, "TOKEN_EXPIRED");

    String[] parts = signature.split("\\.");
    String tampered =
        parts[2].charAt(0) == 'A' ? "B" + parts[2].substring(1) : "A" + parts[2].substring(1);
    assertRefused(
        fetch(b, "/calls/EL_L_1/audio?sig=" + parts[0] + "." + parts[1] + "." + tampered, null),
        403,
        "FORBIDDEN");
    // another call's recording with this call's link
    assertRefused(fetch(b, "/calls/EL_L_2/audio?sig=" + signature, null), 403, "FORBIDDEN");
    // an access token is not a link, and a link is not an access token
    assertRefused(fetch(b, "/calls/EL_L_1/audio?sig=" + token, null), 403, "FORBIDDEN");
    assertRefused(api.get("/calls/EL_L_1", signature), 401, "UNAUTHORIZED");
    // signed with a key no node knows
    String foreign =
        new Tokens(vertx, new io.callstream.config.Config.Auth(OTHER_KEY + "-unknown", 600))
            .sign(
                new JsonObject()
                    .put("sub", "x")
                    .put("gen", 0)
                    .put("use", "audio")
                    .put("call", "EL_L_1"),
                600);
    assertRefused(fetch(b, "/calls/EL_L_1/audio?sig=" + foreign, null), 403, "FORBIDDEN");
    assertRefused(fetch(b, "/calls/EL_L_1/audio", null), 401, "UNAUTHORIZED");
    assertRefused(fetch(b, "/calls/EL_L_1/audio?sig=", null), 403, "FORBIDDEN");
    // no recording, no call
    HttpResponse<Buffer> none = api.post("/calls/EL_L_3/audio/link", token, null);
    assertEquals(404, none.statusCode());
    assertEquals("NOT_FOUND", none.bodyAsJsonObject().getString("code"));
    assertEquals(404, api.post("/calls/EL_NOPE/audio/link", token, null).statusCode());
    assertEquals(401, api.post("/calls/EL_L_1/audio/link", null, null).statusCode());
  }

  @Test
  void aSignedOutUsersLinksStopWorkingWithinTheBound() {
    HttpResponse<Buffer> login =
        api.post(
            "/auth/token",
            null,
            new JsonObject().put("username", "lena").put("password", "lena-password"));
    String token = login.bodyAsJsonObject().getString("access_token");
    String url = link("EL_L_2", token).getString("url");
    assertEquals(200, fetch(b, url, null).statusCode());
    assertEquals(204, api.post("/auth/logout", token, null).statusCode());
    HttpResponse<Buffer> refused =
        Await.latest(
            () -> fetch(b, url, "bytes=0-9"), r -> r.statusCode() == 401, Duration.ofSeconds(10));
    assertRefused(refused, 401, "TOKEN_REVOKED");
  }

  static void assertRefused(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(code, body.getString("code"), r.bodyAsString());
    assertFalse(body.getString("error").isBlank());
  }
}
