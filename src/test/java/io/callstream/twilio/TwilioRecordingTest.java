package io.callstream.twilio;

import io.callstream.support.Await;
import static io.callstream.twilio.TwilioTestSupport.PUBLIC_BASE_URL;
import static io.callstream.twilio.TwilioTestSupport.column;
import static io.callstream.twilio.TwilioTestSupport.eventually;
import static io.callstream.twilio.TwilioTestSupport.newCallSid;
import static io.callstream.twilio.TwilioTestSupport.post;
import static io.callstream.twilio.TwilioTestSupport.status;
import static io.callstream.twilio.TwilioTestSupport.voice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recording through Twilio's REST API (no TwiML verb) and the download after the call, against a fake Twilio. */
class TwilioRecordingTest {
  static String schema;
  static Path audioDir;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static FakeRegisterCall elevenLabs;
  static FakeTwilio twilio;
  static Node node;
  static WebClient client;

  @BeforeAll
  static void setUp() throws IOException {
    schema = TestDatabase.freshSchema("twilio_rec");
    audioDir = Files.createTempDirectory("callstream-recordings-");
    vertx = Vertx.vertx();
    elevenLabs = new FakeRegisterCall(vertx, schema).start();
    twilio = new FakeTwilio(vertx).start();
    node = nodes.start(TestConfig.config(schema, Map.of("ELEVENLABS_API_URL", elevenLabs.url(),
        "ELEVENLABS_API_KEY", FakeRegisterCall.API_KEY, "ELEVENLABS_AGENT_ID", "agent_in",
        "TWILIO_AUTH_TOKEN", FakeTwilio.AUTH_TOKEN, "TWILIO_ACCOUNT_SID", FakeTwilio.ACCOUNT_SID,
        "TWILIO_API_URL", twilio.url(), "TWILIO_RECORD_CALLS", "true", "PUBLIC_BASE_URL", PUBLIC_BASE_URL,
        "AUDIO_DIR", audioDir.toString())));
    client = Http.client(vertx);
  }

  @AfterAll
  static void tearDown() throws IOException {
    nodes.close();
    elevenLabs.close();
    twilio.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
    try (Stream<Path> files = Files.list(audioDir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(audioDir);
  }

  static HttpResponse<Buffer> send(String path, MultiMap form) {
    return post(client, node, path, form);
  }

  static String answeredCall() {
    String sid = newCallSid();
    HttpResponse<Buffer> r = send(TwilioRoutes.VOICE_INBOUND, voice(sid, "+15550003333"));
    assertEquals(FakeRegisterCall.TWIML, r.bodyAsString());
    return sid;
  }

  static MultiMap recordingDone(String sid, String recordingSid, String url) {
    return MultiMap.caseInsensitiveMultiMap().add("AccountSid", FakeTwilio.ACCOUNT_SID).add("CallSid", sid)
        .add("RecordingSid", recordingSid).add("RecordingUrl", url).add("RecordingStatus", "completed")
        .add("RecordingDuration", "42").add("RecordingChannels", "2").add("RecordingSource", "StartCallRecordingAPI");
  }

  static String awaitRecordingStatus(String sid, String expected) {
    return eventually("recording_status " + expected, () -> {
      Object s = column(schema, sid, "recording_status");
      return expected.equals(s) ? (String) s : null;
    });
  }

  static String sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Test
  void inProgressStartsOneDualRecordingAndItsCallbackDownloadsItWithARetry() throws Exception {
    String sid = answeredCall();
    assertEquals(200, send(TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null)).statusCode());
    FakeTwilio.Start start = eventually("the recording request", () ->
        twilio.startsOf(sid).isEmpty() ? null : twilio.startsOf(sid).get(0));
    assertTrue(start.authorized(), "basic auth with account sid and auth token");
    assertEquals("dual", start.form().get("RecordingChannels"));
    assertEquals(PUBLIC_BASE_URL + TwilioRoutes.RECORDING_STATUS, start.form().get("RecordingStatusCallback"));
    assertEquals(200, send(TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null)).statusCode());
    assertEquals(1, twilio.startsOf(sid).size(), "a redelivered in-progress starts nothing (the claim is decided)");
    awaitRecordingStatus(sid, "recording");
    String recordingSid = (String) column(schema, sid, "recording_sid");
    assertTrue(recordingSid.startsWith("RE"), recordingSid);

    assertEquals(200, send(TwilioRoutes.VOICE_STATUS, status(sid, "completed", "42")).statusCode());
    FakeTwilio.Media media = twilio.media(recordingSid, 1_000_003, 1, false);
    MultiMap done = recordingDone(sid, recordingSid, twilio.recordingUrl(recordingSid));
    assertEquals(200, send(TwilioRoutes.RECORDING_STATUS, done).statusCode());
    awaitRecordingStatus(sid, "stored");
    Path file = audioDir.resolve(sid + ".mp3");
    assertEquals(1_000_003, Files.size(file));
    assertEquals(media.sha256, sha256(file));
    assertEquals(2, media.requests.get(), "the first (503) attempt was retried");
    assertEquals(sid + ".mp3", column(schema, sid, "recording_file"));
    assertEquals(twilio.recordingUrl(recordingSid), column(schema, sid, "recording_url"));

    assertEquals(200, send(TwilioRoutes.RECORDING_STATUS, done).statusCode());
    assertEquals(2, media.requests.get(), "a redelivered callback downloads nothing again");
    assertEquals(1, twilio.startsOf(sid).size());
  }

  @Test
  void withoutAnInProgressCallbackTheRecordingStartsAfterTheStreamAnswer() {
    String sid = answeredCall();
    FakeTwilio.Start start = eventually("the recording request", () ->
        twilio.startsOf(sid).isEmpty() ? null : twilio.startsOf(sid).get(0));
    assertEquals("dual", start.form().get("RecordingChannels"));
    awaitRecordingStatus(sid, "recording");
    assertEquals(200, send(TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null)).statusCode());
    assertEquals(1, twilio.startsOf(sid).size());
  }

  @Test
  void a50MiBRecordingIsStreamedToDiskNotHeldInMemory() throws Exception {
    String sid = answeredCall();
    String recordingSid = "RE" + sid.substring(2);
    long size = 50L << 20;
    FakeTwilio.Media media = twilio.media(recordingSid, size, 0, true);
    assertEquals(200, send(TwilioRoutes.RECORDING_STATUS,
        recordingDone(sid, recordingSid, twilio.recordingUrl(recordingSid))).statusCode());
    // Twilio has sent half and waits: the half must already be on disk in the temporary file, not in the heap
    Path part = eventually("half the recording in a .part file", () -> {
      try (Stream<Path> files = Files.list(audioDir)) {
        return files.filter(f -> f.getFileName().toString().startsWith(".recording-" + sid))
            .filter(f -> f.toFile().length() >= 20L << 20).findFirst().orElse(null);
      } catch (IOException e) {
        return null;
      }
    });
    assertTrue(part.getFileName().toString().endsWith(".part"));
    assertFalse(Files.exists(audioDir.resolve(sid + ".mp3")), "the final name appears only when complete");
    assertEquals("downloading", column(schema, sid, "recording_status"));
    media.resume.complete();
    awaitRecordingStatus(sid, "stored");
    assertEquals(size, Files.size(audioDir.resolve(sid + ".mp3")));
    assertEquals(media.sha256, sha256(audioDir.resolve(sid + ".mp3")));
    assertFalse(Files.exists(part), "the temporary file was renamed");
  }

  @Test
  void aRecordingUrlOutsideTheTwilioApiIsRefused() {
    String sid = answeredCall();
    for (String url : List.of("https://evil.example.com/rec", "http://127.0.0.1:1/2010-04-01/x", "not a url")) {
      HttpResponse<Buffer> r = send(TwilioRoutes.RECORDING_STATUS, recordingDone(sid, "RE1", url));
      assertEquals(400, r.statusCode(), url);
    }
    assertEquals(null, column(schema, sid, "recording_url"));
    assertEquals(404, send(TwilioRoutes.RECORDING_STATUS,
        recordingDone(newCallSid(), "RE2", twilio.recordingUrl("RE2"))).statusCode());
  }
}
