package io.callstream.twilio;

import static io.callstream.twilio.TwilioTestSupport.PUBLIC_BASE_URL;
import static io.callstream.twilio.TwilioTestSupport.callId;
import static io.callstream.twilio.TwilioTestSupport.column;
import static io.callstream.twilio.TwilioTestSupport.newCallSid;
import static io.callstream.twilio.TwilioTestSupport.post;
import static io.callstream.twilio.TwilioTestSupport.status;
import static io.callstream.twilio.TwilioTestSupport.voice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.twilio.FakeRegisterCall.Answer;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The voice webhook (stream-first TwiML, fallback) and the call status callback on a real node. */
class TwilioInboundTest {
  static final int REGISTER_TIMEOUT_MS = 1500;
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static FakeRegisterCall elevenLabs;
  static FakeTwilio twilio;
  static Node node;
  static WebClient client;
  static TwilioTestSupport.Recorder recorder;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("twilio_in");
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
                    "agent_out",
                    "ELEVENLABS_INBOUND_AGENT_ID",
                    "agent_in",
                    "TWILIO_AUTH_TOKEN",
                    FakeTwilio.AUTH_TOKEN,
                    "TWILIO_ACCOUNT_SID",
                    FakeTwilio.ACCOUNT_SID,
                    "TWILIO_API_URL",
                    twilio.url(),
                    "PUBLIC_BASE_URL",
                    PUBLIC_BASE_URL,
                    "TWILIO_REGISTER_TIMEOUT_MS",
                    String.valueOf(REGISTER_TIMEOUT_MS))));
    client = Http.client(vertx);
    recorder = new TwilioTestSupport.Recorder(node.vertx());
    TestDatabase.queryValue(
        schema,
        "INSERT INTO drivers (driver_id, name, phone_number) "
            + "VALUES ('D-7', 'Dora', '+15550007777') RETURNING driver_id");
    elevenLabs.answer("+15550001001", Answer.RECORD_FIRST);
    elevenLabs.answer("+15550001002", Answer.SAY_FIRST);
    elevenLabs.answer("+15550001003", Answer.SERVER_ERROR);
    elevenLabs.answer("+15550001004", Answer.HANG);
    elevenLabs.answer("+15550001005", Answer.STREAM_AS_JSON_STRING);
  }

  @AfterAll
  static void tearDown() {
    recorder.close();
    nodes.close();
    elevenLabs.close();
    twilio.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  static HttpResponse<Buffer> call(String sid, String from) {
    HttpResponse<Buffer> r = post(client, node, TwilioRoutes.VOICE_INBOUND, voice(sid, from));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("text/xml"), r.getHeader("Content-Type"));
    return r;
  }

  static void callback(String sid, String callStatus, String duration) {
    HttpResponse<Buffer> r =
        post(client, node, TwilioRoutes.VOICE_STATUS, status(sid, callStatus, duration));
    assertEquals(200, r.statusCode(), r.bodyAsString());
  }

  @Test
  void aKnownDriverGetsElevenLabsStreamTwimlAndTheRowIsWrittenFirst() {
    String sid = newCallSid();
    String twiml = call(sid, "+15550007777").bodyAsString();
    assertEquals(FakeRegisterCall.TWIML, twiml, "ElevenLabs' TwiML, unchanged");
    assertFalse(twiml.contains("<Record"));
    assertTrue(TwimlCheck.check(twiml).ok());

    FakeRegisterCall.Registration reg = elevenLabs.of(sid);
    assertEquals(
        "initiated/inbound",
        reg.rowOnArrival(),
        "the calls row existed before ElevenLabs was asked");
    assertEquals(FakeRegisterCall.API_KEY, reg.apiKey());
    assertEquals("agent_in", reg.body().getString("agent_id"));
    assertEquals("+15550007777", reg.body().getString("from_number"));
    assertEquals("+15557770000", reg.body().getString("to_number"));
    assertEquals("inbound", reg.body().getString("direction"));
    assertEquals(
        new JsonObject().put("callstream_call_sid", sid).put("driver_name", "Dora"),
        reg.variables());

    assertEquals("initiated", column(schema, sid, "status"));
    assertEquals("inbound", column(schema, sid, "direction"));
    assertEquals("D-7", column(schema, sid, "driver_id"));
    assertNotNull(column(schema, sid, "call_start_time"));
    recorder.settle();
    assertEquals(
        List.of("call_started"),
        recorder.types(callId(schema, sid)),
        "only call_started (the fleet feed) for an initiated call");
  }

  @Test
  void anUnknownCallerIsStillRecordedWithNoDriver() {
    String sid = newCallSid();
    assertEquals(FakeRegisterCall.TWIML, call(sid, "+15559990000").bodyAsString());
    assertNull(column(schema, sid, "driver_id"));
    assertEquals("+15559990000", column(schema, sid, "caller_number"));
    assertEquals("", elevenLabs.of(sid).variables().getString("driver_name"));
    String unwrapped = newCallSid();
    assertEquals(
        FakeRegisterCall.TWIML,
        call(unwrapped, "+15550001005").bodyAsString(),
        "JSON string unwrapped");
  }

  @Test
  void twimlWithRecordOrAnotherVerbBeforeTheStreamIsRefused() {
    for (String from : List.of("+15550001001", "+15550001002")) {
      String sid = newCallSid();
      String twiml = call(sid, from).bodyAsString();
      assertEquals(TwimlCheck.FALLBACK, twiml, from);
      assertFalse(twiml.contains("<Stream") || twiml.contains("<Record"));
      assertEquals(
          1,
          elevenLabs.registrations.stream()
              .filter(r -> sid.equals(r.variables().getString("callstream_call_sid")))
              .count());
      assertEquals("failed", column(schema, sid, "status"));
      String reason = (String) column(schema, sid, "failure_reason");
      assertTrue(
          reason.contains(
              from.endsWith("1") ? "carries <Record>" : "<Say> before <Connect><Stream>"),
          reason);
      assertNotNull(column(schema, sid, "call_end_time"));
      recorder.settle();
      assertEquals(
          List.of("call_started", "call_status", "call_completed"),
          recorder.types(callId(schema, sid)));
    }
  }

  @Test
  void elevenLabsDownOrSlowGivesTheApologyWithinTheBound() {
    String down = newCallSid();
    assertEquals(TwimlCheck.FALLBACK, call(down, "+15550001003").bodyAsString());
    assertTrue(((String) column(schema, down, "failure_reason")).contains("HTTP 500"));

    String slow = newCallSid();
    long started = System.nanoTime();
    assertEquals(TwimlCheck.FALLBACK, call(slow, "+15550001004").bodyAsString());
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(
        tookMs >= REGISTER_TIMEOUT_MS - 100 && tookMs < REGISTER_TIMEOUT_MS + 5000, tookMs + " ms");
    assertEquals("failed", column(schema, slow, "status"));
    assertTrue(((String) column(schema, slow, "failure_reason")).contains("timeout"));
  }

  @Test
  void wrongSignaturesAre403AndTouchNothing() {
    String sid = newCallSid();
    MultiMap form = voice(sid, "+15550007777");
    String url = PUBLIC_BASE_URL + TwilioRoutes.VOICE_INBOUND;
    assertEquals(
        403,
        post(client, node, TwilioRoutes.VOICE_INBOUND, form, null, url).statusCode(),
        "missing");
    assertEquals(
        403, post(client, node, TwilioRoutes.VOICE_INBOUND, form, "wrong-token", url).statusCode());
    assertEquals(
        403,
        post(
                client,
                node,
                TwilioRoutes.VOICE_INBOUND,
                form,
                FakeTwilio.AUTH_TOKEN,
                "http://127.0.0.1:" + node.port() + TwilioRoutes.VOICE_INBOUND)
            .statusCode(),
        "not the public URL");
    var tampered =
        client
            .post(node.port(), "127.0.0.1", TwilioRoutes.VOICE_INBOUND)
            .putHeader(
                TwilioSignature.HEADER, TwilioSignature.sign(FakeTwilio.AUTH_TOKEN, url, form));
    MultiMap changed = voice(sid, "+15550001234");
    assertEquals(403, Await.result(tampered.sendForm(changed)).statusCode(), "changed parameter");
    assertEquals(
        403,
        post(
                client,
                node,
                TwilioRoutes.VOICE_STATUS,
                status(sid, "completed", "3"),
                "x",
                PUBLIC_BASE_URL + TwilioRoutes.VOICE_STATUS)
            .statusCode());
    assertNull(column(schema, sid, "id"));
    assertTrue(
        elevenLabs.registrations.stream()
            .noneMatch(r -> sid.equals(r.variables().getString("callstream_call_sid"))));
  }

  @Test
  void badOrUnknownCallsAreClientErrors() {
    HttpResponse<Buffer> bad =
        post(client, node, TwilioRoutes.VOICE_INBOUND, voice("CA123", "+15550007777"));
    assertEquals(400, bad.statusCode());
    assertTrue(bad.bodyAsJsonObject().getString("error").contains("CallSid"));
    assertEquals(
        404,
        post(client, node, TwilioRoutes.VOICE_STATUS, status(newCallSid(), "completed", "1"))
            .statusCode());
    MultiMap noStatus = status(newCallSid(), "completed", null);
    noStatus.remove("CallStatus");
    assertEquals(400, post(client, node, TwilioRoutes.VOICE_STATUS, noStatus).statusCode());
  }

  @Test
  void aPostCallWebhookAfterInProgressCompletesTheCallOnceAndTwilioKeepsItsData() {
    String sid = newCallSid();
    call(sid, "+15550007777");
    callback(sid, "in-progress", null);
    assertEquals("in_progress", column(schema, sid, "status"));
    PostCall.deliver(client, node, sid);
    callback(sid, "completed", "99");
    callback(sid, "completed", "99");
    PostCall.assertElevenLabsData(schema, sid);
    recorder.settle();
    assertEquals(
        List.of("call_started", "call_status", "call_status", "call_completed"),
        recorder.types(callId(schema, sid)).stream()
            .filter(t -> !t.equals("transcription"))
            .toList());
  }

  @Test
  void twilioCompletingFirstNeverLosesTheLaterPostCallData() {
    String sid = newCallSid();
    call(sid, "+15550007777");
    callback(sid, "in-progress", null);
    callback(sid, "completed", "99");
    assertEquals("completed", column(schema, sid, "status"));
    assertEquals(99, column(schema, sid, "call_duration_seconds"));
    PostCall.deliver(client, node, sid);
    PostCall.assertElevenLabsData(schema, sid);
    recorder.settle();
    List<String> types = recorder.types(callId(schema, sid));
    assertEquals("call_completed", types.get(types.size() - 1));
    String last = recorder.of(callId(schema, sid)).get(types.size() - 1).frame();
    assertEquals(
        PostCall.SUMMARY,
        new JsonObject(last).getJsonObject("call_data").getString("transcript_summary"));
  }

  @Test
  void twilioFailureStatesFailACallNobodyEnded() {
    String sid = newCallSid();
    call(sid, "+15550007777");
    callback(sid, "no-answer", "0");
    assertEquals("failed", column(schema, sid, "status"));
    assertEquals("no-answer", column(schema, sid, "failure_reason"));
    callback(sid, "completed", "0");
    assertEquals("failed", column(schema, sid, "status"), "an ended call stays ended");
    recorder.settle();
    assertEquals(
        List.of("call_started", "call_status", "call_completed"),
        recorder.types(callId(schema, sid)));
  }

  @Test
  void answersAreCountedByShape() {
    double stream = answers("stream");
    double fallback = answers("fallback");
    call(newCallSid(), "+15550007777");
    call(newCallSid(), "+15550001001");
    assertEquals(stream + 1, answers("stream"));
    assertEquals(fallback + 1, answers("fallback"));
  }

  static double answers(String shape) {
    String text =
        Await.result(client.get(node.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
    Matcher m =
        Pattern.compile(
                "^callstream_twilio_inbound_answers_total\\{[^}]*shape=\""
                    + shape
                    + "\"[^}]*} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void withoutAnAuthTokenTheRoutesAnswer503() {
    Node plain = nodes.start(TestConfig.config(schema));
    for (String path :
        List.of(
            TwilioRoutes.VOICE_INBOUND, TwilioRoutes.VOICE_STATUS, TwilioRoutes.RECORDING_STATUS)) {
      HttpResponse<Buffer> r = post(client, plain, path, voice(newCallSid(), "+15550007777"));
      assertEquals(503, r.statusCode(), path);
      assertTrue(r.bodyAsJsonObject().getString("error").contains("TWILIO_AUTH_TOKEN"));
    }
  }
}
