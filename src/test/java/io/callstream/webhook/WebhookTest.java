package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.CONVERSATION_ID;
import static io.callstream.webhook.WebhookTestSupport.bytes;
import static io.callstream.webhook.WebhookTestSupport.count;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static io.callstream.webhook.WebhookTestSupport.post;
import static io.callstream.webhook.WebhookTestSupport.postWithHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallMetrics;
import io.callstream.call.PostCallEvent;
import io.callstream.signature.ElevenLabsSignature;
import io.callstream.support.ApiContract;
import io.callstream.support.Await;
import io.callstream.support.EventRecorder;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both webhook endpoints on one real node: every fixture, every status code, idempotency, the
 * inbox.
 */
class WebhookTest {
  static final String TRANSCRIPTION = WebhookRole.TRANSCRIPTION;
  static final String POST_CALL = WebhookRole.POST_CALL;
  static final String TOKEN = "turn-token-0123456789-0123456789ab";

  static String schema;
  static Path audioDir;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx clientVertx;
  static WebClient client;
  static EventRecorder recorder;

  @BeforeAll
  static void setUp() throws Exception {
    schema = TestDatabase.freshSchema("webhook");
    audioDir = Files.createTempDirectory("callstream-audio-");
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "WEBHOOK_SPOOL_DIR",
                    audioDir.toString(),
                    "AUDIO_MAX_BYTES",
                    String.valueOf(8 << 20),
                    "TRANSCRIPTION_WEBHOOK_TOKEN",
                    TOKEN)));
    clientVertx = Vertx.vertx();
    client = Http.client(clientVertx);
    recorder = EventRecorder.on(node);
  }

  @AfterAll
  static void tearDown() {
    recorder.close();
    nodes.close();
    Await.result(clientVertx.close());
    TestDatabase.dropSchema(schema);
  }

  @BeforeEach
  void resetFixtureCalls() {
    TestDatabase.queryValue(
        schema, "WITH d AS (DELETE FROM calls RETURNING 1) SELECT count(*) FROM d");
    TestDatabase.queryValue(
        schema, "WITH d AS (DELETE FROM webhook_events RETURNING 1) SELECT count(*) FROM d");
  }

  private static HttpResponse<Buffer> turn(JsonObject body) {
    return post(client, node.port(), TRANSCRIPTION, body.toBuffer().getBytes());
  }

  private static void assertError(int status, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals("error", r.bodyAsJsonObject().getString("status"), r.bodyAsString());
    assertTrue(r.bodyAsJsonObject().getString("error").length() > 3, r.bodyAsString());
  }

  @Test
  void liveTurnFixtureIsStoredOnceAndRedeliveryReturnsTheSameIds() {
    long callId = insertCall(schema, CALL_SID, null, "initiated");
    HttpResponse<Buffer> first =
        post(client, node.port(), TRANSCRIPTION, fixture("transcription_turn.json"));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    JsonObject a = first.bodyAsJsonObject();
    assertEquals("success", a.getString("status"));
    assertEquals(1, a.getInteger("sequence_number"));
    HttpResponse<Buffer> again =
        post(client, node.port(), TRANSCRIPTION, fixture("transcription_turn.json"));
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(
        a.getLong("transcription_id"), again.bodyAsJsonObject().getLong("transcription_id"));
    assertEquals(1, again.bodyAsJsonObject().getInteger("sequence_number"));
    assertEquals(1, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    assertEquals(1, count(schema, "SELECT last_sequence_number FROM calls WHERE id = " + callId));
    assertEquals(
        "in_progress",
        TestDatabase.queryValue(schema, "SELECT status FROM calls WHERE id = " + callId));
    assertEquals(
        "2026-11-21 11:19:07+00",
        TestDatabase.queryValue(
            schema,
            "SELECT to_char(spoken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00' FROM transcriptions"));
    recorder.settle(node);
    assertEquals(List.of("call_status", "transcription"), recorder.types(callId));
    JsonObject frame = new JsonObject(recorder.of(callId).get(1).frame());
    assertEquals(CALL_SID, frame.getString("call_sid"));
    assertEquals("user", frame.getString("speaker_type"));
    assertEquals("2026-11-21T11:19:07Z", frame.getString("timestamp"));
  }

  @Test
  void liveTurnsByConversationIdWithUnixTimestampsAndBearerToken() {
    long callId = insertCall(schema, "EL_D-1042_2", "conv_live_2", "in_progress");
    JsonObject turn =
        new JsonObject()
            .put("conversation_id", "conv_live_2")
            .put("speaker", "agent")
            .put("message", "Hello")
            .put("timestamp", 1795262341);
    assertEquals(1, turn(turn).bodyAsJsonObject().getInteger("sequence_number"));
    assertEquals(
        2,
        turn(turn.copy().put("timestamp", "1795262342"))
            .bodyAsJsonObject()
            .getInteger("sequence_number"));
    assertEquals(
        3,
        turn(turn.copy().put("timestamp", "2026-11-21T12:19:07+01:00"))
            .bodyAsJsonObject()
            .getInteger("sequence_number"));
    HttpResponse<Buffer> bearer =
        postWithHeader(
            client,
            node.port(),
            TRANSCRIPTION,
            turn.copy().put("timestamp", 1795262399).toBuffer().getBytes(),
            "Authorization",
            "Bearer " + TOKEN);
    assertEquals(200, bearer.statusCode(), bearer.bodyAsString());
    assertEquals(4, bearer.bodyAsJsonObject().getInteger("sequence_number"));
    assertError(
        401,
        postWithHeader(
            client,
            node.port(),
            TRANSCRIPTION,
            turn.toBuffer().getBytes(),
            "Authorization",
            "Bearer wrong-token"));
    assertEquals(4, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    assertEquals(
        "2026-11-21 11:19:07",
        TestDatabase.queryValue(
            schema,
            "SELECT to_char(spoken_at AT TIME ZONE "
                + "'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM transcriptions WHERE sequence_number = 3 AND call_id = "
                + callId));
  }

  @Test
  void liveTurnErrors() {
    insertCall(schema, "EL_D-1042_3", null, "completed");
    JsonObject ok =
        new JsonObject()
            .put("call_sid", "EL_D-1042_3")
            .put("speaker", "user")
            .put("message", "hi")
            .put("timestamp", "2026-11-21T11:19:07Z");
    assertError(400, turn(ok)); // call already ended
    assertError(400, turn(ok.copy().put("call_sid", "EL_nobody"))); // unknown call
    assertError(400, turn(ok.copy().put("call_sid", null))); // no identifier
    assertError(400, turn(ok.copy().put("speaker", "robot")));
    assertError(400, turn(ok.copy().put("message", null)));
    assertError(400, turn(ok.copy().put("timestamp", "yesterday")));
    assertError(
        400, turn(ok.copy().remove("timestamp") == null ? ok : ok.copy().putNull("timestamp")));
    assertError(400, post(client, node.port(), TRANSCRIPTION, bytes("{\"call_sid\": ")));
    assertError(400, post(client, node.port(), TRANSCRIPTION, bytes("[1,2]")));
    assertError(400, post(client, node.port(), TRANSCRIPTION, new byte[0]));
    insertCall(schema, "EL_D-1042_4", null, "in_progress");
    assertError(
        400, turn(ok.copy().put("call_sid", "EL_D-1042_4").put("message", "nul \u0000 char")));
    byte[] body = ok.toBuffer().getBytes();
    assertError(401, postWithHeader(client, node.port(), TRANSCRIPTION, body, "X-None", null));
    assertError(
        401,
        postWithHeader(
            client,
            node.port(),
            TRANSCRIPTION,
            body,
            SignatureVerifier.HEADER,
            ElevenLabsSignature.sign("whsec_wrong", System.currentTimeMillis() / 1000, body)));
    assertError(
        401,
        postWithHeader(
            client,
            node.port(),
            TRANSCRIPTION,
            body,
            SignatureVerifier.HEADER,
            ElevenLabsSignature.sign(
                TestConfig.WEBHOOK_SECRET, System.currentTimeMillis() / 1000 - 31 * 60, body)));
    byte[] huge =
        ok.copy().put("message", "x".repeat(WebhookBody.MEMORY_LIMIT)).toBuffer().getBytes();
    assertError(413, post(client, node.port(), TRANSCRIPTION, huge));
    assertEquals(0, count(schema, "SELECT count(*) FROM transcriptions"));
  }

  @Test
  void postCallTranscriptionFixtureCompletesTheCallOnce() {
    long callId = insertCall(schema, CALL_SID, null, "in_progress");
    HttpResponse<Buffer> r =
        post(client, node.port(), POST_CALL, fixture("post_call_transcription.json"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("success", r.bodyAsJsonObject().getString("status"));
    String row = "SELECT %s FROM calls WHERE id = " + callId;
    assertEquals("completed", TestDatabase.queryValue(schema, row.formatted("status")));
    assertEquals(
        CONVERSATION_ID, TestDatabase.queryValue(schema, row.formatted("conversation_id")));
    assertEquals(
        1795262410L, count(schema, row.formatted("extract(epoch FROM call_end_time)::bigint")));
    assertEquals(24, count(schema, row.formatted("call_duration_seconds")));
    assertEquals(187.0, TestDatabase.queryValue(schema, row.formatted("cost")));
    assertEquals(true, TestDatabase.queryValue(schema, row.formatted("call_successful")));
    assertTrue(
        ((String) TestDatabase.queryValue(schema, row.formatted("transcript_summary"))).length()
            > 10);
    assertEquals(
        "success",
        TestDatabase.queryValue(schema, row.formatted("analysis_data->>'call_successful'")));
    assertEquals(24, count(schema, row.formatted("(metadata_json->>'call_duration_secs')::int")));
    assertEquals(4, count(schema, row.formatted("last_sequence_number")));
    assertEquals(
        "1,2,3,4",
        TestDatabase.queryValue(
            schema,
            "SELECT string_agg(sequence_number::text, ',' ORDER BY "
                + "sequence_number) FROM transcriptions WHERE source = 'post_call' AND call_id = "
                + callId));
    assertEquals("processed", TestDatabase.queryValue(schema, "SELECT status FROM webhook_events"));

    HttpResponse<Buffer> again =
        post(client, node.port(), POST_CALL, fixture("post_call_transcription.json"));
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertEquals(true, again.bodyAsJsonObject().getBoolean("duplicate"));
    assertEquals(4, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    assertEquals(1, count(schema, "SELECT count(*) FROM webhook_events"));
    recorder.settle(node);
    assertEquals(
        List.of(
            "transcription",
            "transcription",
            "transcription",
            "transcription",
            "call_status",
            "call_completed"),
        recorder.types(callId));
    var completed = recorder.of(callId).get(5);
    assertEquals(4, completed.sequenceNumber());
    JsonObject callData = new JsonObject(completed.frame()).getJsonObject("call_data");
    assertEquals("completed", callData.getString("status"));
    assertEquals("success", callData.getJsonObject("analysis_data").getString("call_successful"));
  }

  @Test
  void liveTranscriptStandsAndBooleanSuccessAndStringTimestampAreAccepted() {
    long callId = insertCall(schema, CALL_SID, CONVERSATION_ID, "in_progress");
    assertEquals(
        200,
        post(client, node.port(), TRANSCRIPTION, fixture("transcription_turn.json")).statusCode());
    JsonObject body = new JsonObject(Buffer.buffer(fixture("post_call_transcription.json")));
    body.put("event_timestamp", "1795262410");
    body.getJsonObject("data").getJsonObject("analysis").put("call_successful", false);
    HttpResponse<Buffer> r = post(client, node.port(), POST_CALL, body.toBuffer().getBytes());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(1, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    assertEquals(
        false,
        TestDatabase.queryValue(schema, "SELECT call_successful FROM calls WHERE id = " + callId));
    assertEquals(
        1795262410L,
        count(
            schema,
            "SELECT extract(epoch FROM call_end_time)::bigint FROM calls WHERE id = " + callId));
    recorder.settle(node);
    assertEquals(List.of("transcription", "call_status", "call_completed"), recorder.types(callId));
    assertEquals(1, recorder.of(callId).get(2).sequenceNumber());
    // the post-call body applied again through the backfill path changes nothing and publishes
    // nothing
    CallCompletions completions =
        new CallCompletions(node.pool(), node.vertx().eventBus(), new CallMetrics(node.registry()));
    assertEquals(
        CallCompletions.Outcome.UNCHANGED,
        Await.result(
                completions.apply(
                    PostCallEvent.of(
                        PostCallEvent.TRANSCRIPTION, 1795262410L, body.getJsonObject("data"))))
            .outcome());
    recorder.settle(node);
    assertEquals(3, recorder.types(callId).size());
    assertError(
        400,
        post(
            client,
            node.port(),
            TRANSCRIPTION,
            bytes(
                new JsonObject(Buffer.buffer(fixture("transcription_turn.json")))
                    .put("message", "late")
                    .encode())));
  }

  @Test
  void callInitiationFailureFixturesFailTheCalls() {
    long twilio = insertCall(schema, "EL_D-1042_5", "conv_1101kzzz9yyy8xxx7www6vvv5u", "initiated");
    long sip = insertCall(schema, "EL_D-1042_6", "conv_9901kqqq8ppp7ooo6nnn5mmm4l", "initiated");
    assertEquals(
        200,
        post(client, node.port(), POST_CALL, fixture("call_initiation_failure_twilio.json"))
            .statusCode());
    assertEquals(
        200,
        post(client, node.port(), POST_CALL, fixture("call_initiation_failure_sip.json"))
            .statusCode());
    assertEquals(
        "failed no-answer 1795263001",
        TestDatabase.queryValue(
            schema,
            "SELECT status || ' ' || "
                + "failure_reason || ' ' || extract(epoch FROM call_end_time)::bigint FROM calls WHERE id = "
                + twilio));
    assertEquals(
        "failed busy 1795263120",
        TestDatabase.queryValue(
            schema,
            "SELECT status || ' ' || "
                + "failure_reason || ' ' || extract(epoch FROM call_end_time)::bigint FROM calls WHERE id = "
                + sip));
    recorder.settle(node);
    assertEquals(List.of("call_status", "call_completed"), recorder.types(twilio));
    assertEquals(List.of("call_status", "call_completed"), recorder.types(sip));
  }

  @Test
  void audioFixtureIsStoredInPostgres() throws Exception {
    byte[] body = fixture("post_call_audio.json");
    HttpResponse<Buffer> r = post(client, node.port(), POST_CALL, body);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(true, r.bodyAsJsonObject().getBoolean("audio_stored"));
    String b64 = new JsonObject(Buffer.buffer(body)).getJsonObject("data").getString("full_audio");
    assertArrayEquals(
        Base64.getDecoder().decode(b64),
        (byte[])
            TestDatabase.queryValue(
                schema,
                "SELECT "
                    + "string_agg(c.bytes, ''::bytea ORDER BY c.seq) FROM call_audio a JOIN call_audio_chunks c ON c.audio_id = a.id "
                    + "WHERE a.audio_key = '"
                    + CONVERSATION_ID
                    + "'"));
    assertEquals(
        "processed",
        TestDatabase.queryValue(
            schema, "SELECT status FROM webhook_events WHERE type = 'post_call_audio'"));
    assertNull(
        TestDatabase.queryValue(schema, "SELECT body->'data'->>'full_audio' FROM webhook_events"));
    try (var files = Files.list(audioDir)) {
      assertEquals(
          List.of(), files.map(p -> p.getFileName().toString()).toList(), "nothing left on disk");
    }
    JsonObject unsafe = new JsonObject(Buffer.buffer(body));
    unsafe.getJsonObject("data").put("conversation_id", "../../etc/passwd");
    assertError(400, post(client, node.port(), POST_CALL, unsafe.toBuffer().getBytes()));
  }

  @Test
  void unknownTypeIsAcknowledgedAndKept() {
    byte[] body =
        bytes(
            "{\"type\":\"post_call_transcription_otel\",\"event_timestamp\":1795262410,\"data\":{}}");
    HttpResponse<Buffer> r = post(client, node.port(), POST_CALL, body);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(true, r.bodyAsJsonObject().getBoolean("ignored"));
    assertEquals("ignored", TestDatabase.queryValue(schema, "SELECT status FROM webhook_events"));
    assertEquals(
        true,
        post(client, node.port(), POST_CALL, body).bodyAsJsonObject().getBoolean("duplicate"));
    assertEquals(1, count(schema, "SELECT count(*) FROM webhook_events"));
  }

  @Test
  void postCallErrors() {
    assertError(
        400, post(client, node.port(), POST_CALL, bytes("{\"type\": \"post_call_transcription\"")));
    assertError(400, post(client, node.port(), POST_CALL, bytes("{\"event_timestamp\": 1}")));
    assertError(400, post(client, node.port(), POST_CALL, new byte[0]));
    assertError(400, post(client, node.port(), POST_CALL, bytes("\"just a string\"")));
    assertError(
        400,
        post(
            client,
            node.port(),
            POST_CALL,
            bytes("{\"type\":\"post_call_transcription\",\"event_timestamp\":1795262410}")));
    assertError(
        400,
        post(
            client,
            node.port(),
            POST_CALL,
            bytes(
                "{\"type\":\"call_initiation_failure\",\"event_timestamp\":\"soon\",\"data\":{\"conversation_id\":\"c\"}}")));
    byte[] body = fixture("post_call_transcription.json");
    assertError(401, postWithHeader(client, node.port(), POST_CALL, body, "X-None", null));
    assertError(
        401,
        postWithHeader(
            client, node.port(), POST_CALL, body, SignatureVerifier.HEADER, "t=1,v0=zz"));
    assertError(
        401,
        postWithHeader(
            client,
            node.port(),
            POST_CALL,
            body,
            SignatureVerifier.HEADER,
            ElevenLabsSignature.sign(
                TestConfig.WEBHOOK_SECRET, System.currentTimeMillis() / 1000 + 600, body)));
    byte[] tampered = body.clone();
    tampered[tampered.length - 3] = ' ';
    assertError(
        401,
        postWithHeader(
            client,
            node.port(),
            POST_CALL,
            tampered,
            SignatureVerifier.HEADER,
            WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET)));
    JsonObject big =
        new JsonObject()
            .put("type", "post_call_transcription")
            .put("event_timestamp", 1)
            .put(
                "data",
                new JsonObject()
                    .put("conversation_id", "c")
                    .put("pad", "x".repeat(WebhookBody.MEMORY_LIMIT)));
    assertError(413, post(client, node.port(), POST_CALL, big.toBuffer().getBytes()));
    assertError(413, post(client, node.port(), POST_CALL, new byte[(8 << 20) + 1]));
    assertEquals(0, count(schema, "SELECT count(*) FROM webhook_events"));
    assertEquals(0, count(schema, "SELECT count(*) FROM calls WHERE status = 'completed'"));
    try (var files = Files.list(audioDir)) {
      assertFalse(
          files.anyMatch(p -> p.getFileName().toString().endsWith(".spool")),
          "spool files are deleted");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void chunkedBodyOverTheAudioLimitIs413() throws Exception {
    byte[] prefix = bytes("{\"type\":\"post_call_audio\",\"data\":{\"full_audio\":\"");
    byte[] body = new byte[(9 << 20)];
    Arrays.fill(body, (byte) 'A');
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    var request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + POST_CALL))
            .header(SignatureVerifier.HEADER, WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    var response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode(), response.body());
    ApiContract.check(
        "POST",
        POST_CALL,
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(null),
        response.body());
    assertTrue(response.body().contains("\"status\":\"error\""), response.body());
    try (var files = Files.list(audioDir)) {
      assertFalse(
          files.anyMatch(p -> p.getFileName().toString().endsWith(".spool")), "spool file deleted");
    }
  }

  @Test
  void webhookForAnUnknownCallIsParkedThenAppliedByApplyPending() {
    byte[] body = fixture("post_call_transcription.json");
    assertError(404, post(client, node.port(), POST_CALL, body));
    assertError(
        404,
        post(
            client,
            node.port(),
            POST_CALL,
            body)); // a redelivery is still unknown, still kept once
    assertEquals(
        "pending " + CONVERSATION_ID + " " + CALL_SID,
        TestDatabase.queryValue(
            schema,
            "SELECT status || ' ' || conversation_id || ' ' || call_sid FROM webhook_events"));
    long callId = insertCall(schema, CALL_SID, null, "in_progress");
    PostCallInbox inbox =
        new PostCallInbox(
            node.pool(),
            new CallCompletions(
                node.pool(), node.vertx().eventBus(), new CallMetrics(node.registry())));
    assertEquals(1, Await.result(inbox.applyParked(CONVERSATION_ID, CALL_SID)));
    assertEquals(0, Await.result(inbox.applyParked(CONVERSATION_ID, CALL_SID)));
    assertEquals("processed", TestDatabase.queryValue(schema, "SELECT status FROM webhook_events"));
    assertEquals(
        "completed",
        TestDatabase.queryValue(schema, "SELECT status FROM calls WHERE id = " + callId));
    assertEquals(4, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    assertEquals(
        true,
        post(client, node.port(), POST_CALL, body).bodyAsJsonObject().getBoolean("duplicate"));
    recorder.settle(node);
    assertEquals(6, recorder.types(callId).size());
    assertEquals("call_completed", recorder.types(callId).get(5));
  }
}
