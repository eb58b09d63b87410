package io.callstream.twilio;

import static io.callstream.twilio.TwilioTestSupport.PUBLIC_BASE_URL;
import static io.callstream.twilio.TwilioTestSupport.column;
import static io.callstream.twilio.TwilioTestSupport.newCallSid;
import static io.callstream.twilio.TwilioTestSupport.post;
import static io.callstream.twilio.TwilioTestSupport.status;
import static io.callstream.twilio.TwilioTestSupport.voice;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.twilio.FakeRegisterCall.Answer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 8: a replayed or duplicate signed voice webhook for a known CallSid is answered
 * from the calls row (hang-up when ended, the first TwiML while live) and never asks ElevenLabs to
 * register the call a second time.
 */
class TwilioReplayTest {
  static final String HELD_CALLER = "+15550002001";
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static FakeRegisterCall elevenLabs;
  static FakeTwilio twilio;
  static Node node;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("twilio_replay");
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
                    "10000")));
    client = Http.client(vertx);
    elevenLabs.answer(HELD_CALLER, Answer.HOLD);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    elevenLabs.close();
    twilio.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  static String voiceCall(String sid, String from) {
    HttpResponse<Buffer> r = post(client, node, TwilioRoutes.VOICE_INBOUND, voice(sid, from));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsString();
  }

  static long registrations(String sid) {
    return elevenLabs.registrations.stream()
        .filter(r -> sid.equals(r.variables().getString("callstream_call_sid")))
        .count();
  }

  @Test
  void aReplayAfterTheCallEndedHangsUpAndRegistersNothing() {
    String sid = newCallSid();
    assertEquals(FakeRegisterCall.TWIML, voiceCall(sid, "+15550007777"));
    assertEquals(
        200,
        post(client, node, TwilioRoutes.VOICE_STATUS, status(sid, "completed", "12")).statusCode());
    assertEquals("completed", column(schema, sid, "status"));

    assertEquals(InboundCalls.HANGUP, voiceCall(sid, "+15550007777"));
    assertEquals(1, registrations(sid), "register-call requests");
    assertEquals("completed", column(schema, sid, "status"), "the replay changed the call");
  }

  @Test
  void aReplayWhileTheCallIsLiveGetsTheSameTwimlAndRegistersNothing() {
    String sid = newCallSid();
    String first = voiceCall(sid, "+15550007777");
    assertEquals(FakeRegisterCall.TWIML, first);
    assertEquals(first, voiceCall(sid, "+15550007777"), "initiated");
    assertEquals(
        200,
        post(client, node, TwilioRoutes.VOICE_STATUS, status(sid, "in-progress", null))
            .statusCode());
    assertEquals(first, voiceCall(sid, "+15550007777"), "in progress");
    assertEquals(1, registrations(sid), "register-call requests");
  }

  @Test
  void concurrentDuplicatesWhileTheFirstIsRegisteringRegisterOnce() {
    String sid = newCallSid();
    MultiMap form = voice(sid, HELD_CALLER);
    var first = send(form);
    Await.until("the first request reaches ElevenLabs", () -> registrations(sid) == 1);
    double replaysBefore = replays();
    List<Future<HttpResponse<Buffer>>> duplicates = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      duplicates.add(send(form));
    }
    // the duplicates are either answered from the row (counted as replays) or, unfixed, register
    // again
    Await.until(
        "the duplicates reach the node",
        () -> replays() - replaysBefore >= 4 || registrations(sid) > 1);
    elevenLabs.release();
    assertEquals(FakeRegisterCall.TWIML, Await.result(first).bodyAsString());
    for (var d : duplicates) {
      HttpResponse<Buffer> r = Await.result(d);
      assertEquals(200, r.statusCode());
      assertEquals(FakeRegisterCall.TWIML, r.bodyAsString(), "the first request's answer");
    }
    assertEquals(1, registrations(sid), "register-call requests");
  }

  private static Future<HttpResponse<Buffer>> send(MultiMap form) {
    String path = TwilioRoutes.VOICE_INBOUND;
    return client
        .post(node.port(), "127.0.0.1", path)
        .putHeader(
            TwilioSignature.HEADER,
            TwilioSignature.sign(FakeTwilio.AUTH_TOKEN, PUBLIC_BASE_URL + path, form))
        .sendForm(form);
  }

  private static double replays() {
    var counter = node.registry().find(InboundCalls.METER).tag("shape", "replay").counter();
    return counter == null ? 0 : counter.count();
  }
}
