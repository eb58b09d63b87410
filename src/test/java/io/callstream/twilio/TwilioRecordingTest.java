package io.callstream.twilio;

import static io.callstream.twilio.TwilioTestSupport.PUBLIC_BASE_URL;
import static io.callstream.twilio.TwilioTestSupport.column;
import static io.callstream.twilio.TwilioTestSupport.eventually;
import static io.callstream.twilio.TwilioTestSupport.newCallSid;
import static io.callstream.twilio.TwilioTestSupport.post;
import static io.callstream.twilio.TwilioTestSupport.postAsync;
import static io.callstream.twilio.TwilioTestSupport.status;
import static io.callstream.twilio.TwilioTestSupport.voice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recording through Twilio's REST API (no TwiML verb) and the download after the call, against a
 * fake Twilio.
 */
class TwilioRecordingTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static FakeRegisterCall elevenLabs;
  static FakeTwilio twilio;
  static Node node;
  static WebClient client;

  @BeforeAll
  static void setUp() throws IOException {
    schema = TestDatabase.freshSchema("twilio_rec");
    vertx = Vertx.vertx();
    elevenLabs = new FakeRegisterCall(vertx, schema).start();
    twilio = new FakeTwilio(vertx).start();
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "ELEVENLABS_API_URL",
                    elevenLabs.url(),
                    "ELEVENLABS_API_KEY",
                    FakeRegisterCall.API_KEY,
                    "ELEVENLABS_AGENT_ID",
                    "agent_in",
                    "TWILIO_AUTH_TOKEN",
                    FakeTwilio.AUTH_TOKEN,
                    "TWILIO_ACCOUNT_SID",
                    FakeTwilio.ACCOUNT_SID,
                    "TWILIO_API_URL",
                    twilio.url(),
                    "TWILIO_RECORD_CALLS",
                    "true",
                    "PUBLIC_BASE_URL",
                    PUBLIC_BASE_URL,
                    "AUDIO_RETENTION_INTERVAL_SECONDS",
                    "1",
                    "RECORDING_RETRY_MINUTES",
                    "1")));
    client = Http.client(vertx);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    elevenLabs.close();
    twilio.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
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
    return MultiMap.caseInsensitiveMultiMap()
        .add("AccountSid", FakeTwilio.ACCOUNT_SID)
        .add("CallSid", sid)
        .add("RecordingSid", recordingSid)
        .add("RecordingUrl", url)
        .add("RecordingStatus", "completed")
        .add("RecordingDuration", "42")
        .add("RecordingChannels", "2")
        .add("RecordingSource", "StartCallRecordingAPI");
  }

  static String awaitRecordingStatus(String sid, String expected) {
    return eventually(
        "recording_status " + expected,
        () -> {
          Object s = column(schema, sid, "recording_status");
          return expected.equals(s) ? (String) s : null;
        });
  }

  /** The stored recording's size and SHA-256 as PostgreSQL computes them over the chunks. */
  static String storedDigest(String sid) {
    return (String)
        TestDatabase.queryValue(
            schema,
            "SELECT a.size || ' ' || encode(sha256(string_agg(c.bytes, "
                + "''::bytea ORDER BY c.seq)), 'hex') FROM call_audio a JOIN call_audio_chunks c ON c.audio_id = a.id "
                + "WHERE a.audio_key = '"
                + sid
                + "' GROUP BY a.id, a.size");
  }

  static long pendingRows(String sid) {
    return ((Number)
            TestDatabase.queryValue(
                schema, "SELECT count(*) FROM pending_recordings WHERE call_sid = '" + sid + "'"))
        .longValue();
  }

  static int audioStatus(String sid) {
    return Await.result(
            client
                .get(node.port(), "127.0.0.1", "/calls/" + sid + "/audio")
                .putHeader(
                    "Authorization",
                    "Bearer "
                        + new io.callstream.auth.Tokens(vertx, node.config().auth())
                            .issue("dispatcher1", "dispatcher"))
                .send())
        .statusCode();
  }

  @Test
  void inProgressStartsOneDualRecordingAndItsCallbackDownloadsItWithARetry() throws Exception {
    String sid = answeredCall();
    assertEquals(
        200, send(TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null)).statusCode());
    FakeTwilio.Start start =
        eventually(
            "the recording request",
            () -> twilio.startsOf(sid).isEmpty() ? null : twilio.startsOf(sid).get(0));
    assertTrue(start.authorized(), "basic auth with account sid and auth token");
    assertEquals("dual", start.form().get("RecordingChannels"));
    assertEquals(
        PUBLIC_BASE_URL + TwilioRoutes.RECORDING_STATUS,
        start.form().get("RecordingStatusCallback"));
    assertEquals(
        200, send(TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null)).statusCode());
    assertEquals(
        1,
        twilio.startsOf(sid).size(),
        "a redelivered in-progress starts nothing (the claim is decided)");
    awaitRecordingStatus(sid, "recording");
    String recordingSid = (String) column(schema, sid, "recording_sid");
    assertTrue(recordingSid.startsWith("RE"), recordingSid);

    assertEquals(200, send(TwilioRoutes.VOICE_STATUS, status(sid, "completed", "42")).statusCode());
    FakeTwilio.Media media = twilio.media(recordingSid, 1_000_003, 1, false);
    MultiMap done = recordingDone(sid, recordingSid, twilio.recordingUrl(recordingSid));
    assertEquals(200, send(TwilioRoutes.RECORDING_STATUS, done).statusCode());
    // the 200 comes only once the recording is committed: stored, readable, nothing pending, at
    // that moment
    assertEquals("stored", column(schema, sid, "recording_status"));
    assertEquals("1000003 " + media.sha256, storedDigest(sid));
    assertEquals(0, pendingRows(sid));
    assertEquals(200, audioStatus(sid));
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
    FakeTwilio.Start start =
        eventually(
            "the recording request",
            () -> twilio.startsOf(sid).isEmpty() ? null : twilio.startsOf(sid).get(0));
    assertEquals("dual", start.form().get("RecordingChannels"));
    awaitRecordingStatus(sid, "recording");
    assertEquals(
        200, send(TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null)).statusCode());
    assertEquals(1, twilio.startsOf(sid).size());
  }

  @Test
  void a50MiBRecordingIsAnsweredOnlyOnceStoredAndNeverVisibleHalfWritten() throws Exception {
    String sid = answeredCall();
    String recordingSid = "RE" + sid.substring(2);
    long size = 50L << 20;
    FakeTwilio.Media media = twilio.media(recordingSid, size, 0, true);
    var answer =
        postAsync(
            client,
            node,
            TwilioRoutes.RECORDING_STATUS,
            recordingDone(sid, recordingSid, twilio.recordingUrl(recordingSid)));
    Await.result(media.halfway.future());
    // Twilio has sent half and waits: no answer yet, nothing visible, nothing on any disk
    assertFalse(answer.isComplete(), "Twilio is not answered before the recording is stored");
    assertEquals("downloading", column(schema, sid, "recording_status"));
    assertEquals(404, audioStatus(sid), "half a recording is never served");
    assertEquals(1, pendingRows(sid));
    media.resume.complete();
    assertEquals(200, Await.result(answer).statusCode());
    assertEquals("stored", column(schema, sid, "recording_status"));
    assertEquals(size + " " + media.sha256, storedDigest(sid));
    assertEquals(0, pendingRows(sid));
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertEquals(
          List.of(),
          files.map(f -> f.getFileName().toString()).filter(n -> n.contains(sid)).toList(),
          "no temporary file of the download anywhere");
    }
  }

  @Test
  void aFailedDownloadIsAnswered503StaysPendingAndARedeliveryTakesItOver() {
    String sid = answeredCall();
    String recordingSid = "RE" + sid.substring(2);
    FakeTwilio.Media media =
        twilio.media(recordingSid, 300_000, RecordingDownloader.ATTEMPTS, false);
    MultiMap done = recordingDone(sid, recordingSid, twilio.recordingUrl(recordingSid));
    HttpResponse<Buffer> failed = send(TwilioRoutes.RECORDING_STATUS, done);
    assertEquals(503, failed.statusCode(), failed.bodyAsString());
    assertEquals(RecordingDownloader.ATTEMPTS, media.requests.get());
    assertEquals("download_failed", column(schema, sid, "recording_status"));
    assertEquals(1, pendingRows(sid), "kept for a redelivery or the sweep");
    assertEquals(404, audioStatus(sid));

    HttpResponse<Buffer> redelivered = send(TwilioRoutes.RECORDING_STATUS, done);
    assertEquals(200, redelivered.statusCode(), redelivered.bodyAsString());
    assertEquals("stored", column(schema, sid, "recording_status"));
    assertEquals("300000 " + media.sha256, storedDigest(sid));
    assertEquals(0, pendingRows(sid));
    assertEquals(200, audioStatus(sid));
  }

  @Test
  void aDownloadAbandonedByADeadNodeIsRetriedByTheSweep() {
    String sid = answeredCall();
    String recordingSid = "RE" + sid.substring(2);
    FakeTwilio.Media media = twilio.media(recordingSid, 200_000, 0, false);
    // what a node that died mid-download leaves: the call downloading, its claim older than
    // RECORDING_RETRY_MINUTES
    TestDatabase.queryValue(
        schema,
        "UPDATE calls SET recording_status = 'downloading', recording_sid = '"
            + recordingSid
            + "' WHERE call_sid = '"
            + sid
            + "' RETURNING 1");
    TestDatabase.queryValue(
        schema,
        "INSERT INTO pending_recordings (call_sid, recording_sid, recording_url, "
            + "attempts, claimed_at) VALUES ('"
            + sid
            + "', '"
            + recordingSid
            + "', '"
            + twilio.recordingUrl(recordingSid)
            + "', 1, now() - interval '2 minutes') RETURNING 1");
    awaitRecordingStatus(sid, "stored");
    assertEquals("200000 " + media.sha256, storedDigest(sid));
    assertEquals(0, pendingRows(sid));
  }

  @Test
  void aRecentClaimIsNotTakenOverARedeliveryMeanwhileIsAskedToRetry() {
    String sid = answeredCall();
    String recordingSid = "RE" + sid.substring(2);
    FakeTwilio.Media media = twilio.media(recordingSid, 1000, 0, false);
    TestDatabase.queryValue(
        schema,
        "INSERT INTO pending_recordings (call_sid, recording_sid, recording_url) VALUES ('"
            + sid
            + "', '"
            + recordingSid
            + "', '"
            + twilio.recordingUrl(recordingSid)
            + "') RETURNING 1");
    HttpResponse<Buffer> r =
        send(
            TwilioRoutes.RECORDING_STATUS,
            recordingDone(sid, recordingSid, twilio.recordingUrl(recordingSid)));
    assertEquals(503, r.statusCode(), r.bodyAsString());
    assertEquals("60", r.getHeader("Retry-After"));
    assertEquals(0, media.requests.get(), "another node owns the download");
  }

  @Test
  void aRecordingUrlOutsideTheTwilioApiIsRefused() {
    String sid = answeredCall();
    for (String url :
        List.of("https://evil.example.com/rec", "http://127.0.0.1:1/2010-04-01/x", "not a url")) {
      HttpResponse<Buffer> r = send(TwilioRoutes.RECORDING_STATUS, recordingDone(sid, "RE1", url));
      assertEquals(400, r.statusCode(), url);
    }
    assertEquals(null, column(schema, sid, "recording_url"));
    assertEquals(
        404,
        send(
                TwilioRoutes.RECORDING_STATUS,
                recordingDone(newCallSid(), "RE2", twilio.recordingUrl("RE2")))
            .statusCode());
  }
}
