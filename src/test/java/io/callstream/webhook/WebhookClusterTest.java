package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.count;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.EventRecorder;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TwoNodeCluster;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two clustered nodes: concurrent identical deliveries on both store and publish once; turns number
 * gaplessly.
 */
class WebhookClusterTest {
  static TwoNodeCluster cluster;
  static String schema;
  static Node a;
  static Node b;
  static WebClient client;
  static EventRecorder recorder;

  @BeforeAll
  static void setUp() {
    cluster = TwoNodeCluster.start("webhook_cluster", Map.of("HTTP_INSTANCES", "2"));
    schema = cluster.schema;
    a = cluster.a;
    b = cluster.b;
    client = cluster.http(50);
    recorder = EventRecorder.on(a);
    recorder.awaitVisibleFrom(b);
  }

  @AfterAll
  static void tearDown() {
    recorder.close();
    cluster.close();
  }

  @BeforeEach
  void reset() {
    TestDatabase.queryValue(
        schema, "WITH d AS (DELETE FROM calls RETURNING 1) SELECT count(*) FROM d");
    TestDatabase.queryValue(
        schema, "WITH d AS (DELETE FROM webhook_events RETURNING 1) SELECT count(*) FROM d");
  }

  /** Sends each body to alternating nodes, all at once; returns the responses in body order. */
  private static List<HttpResponse<Buffer>> sendAll(String path, List<byte[]> bodies) {
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      Node target = i % 2 == 0 ? a : b;
      sent.add(
          client
              .post(target.port(), "127.0.0.1", path)
              .putHeader(
                  SignatureVerifier.HEADER,
                  WebhookSigner.sign(bodies.get(i), TestConfig.WEBHOOK_SECRET))
              .sendBuffer(Buffer.buffer(bodies.get(i))));
    }
    return Await.result(Future.all(sent)).list();
  }

  @Test
  void sameSignedPostCallBodyOnBothNodesAppliesAndPublishesOnce() {
    long callId = insertCall(schema, CALL_SID, null, "in_progress");
    byte[] body = fixture("post_call_transcription.json");
    List<HttpResponse<Buffer>> responses =
        sendAll(WebhookRole.POST_CALL, Collections.nCopies(40, body));
    responses.forEach(r -> assertEquals(200, r.statusCode(), r.bodyAsString()));
    assertEquals(
        39,
        responses.stream()
            .filter(r -> r.bodyAsJsonObject().getBoolean("duplicate", false))
            .count());
    assertEquals(1, count(schema, "SELECT count(*) FROM webhook_events"));
    assertEquals(4, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    recorder.settle(a, b);
    assertEquals(
        List.of(
            "transcription",
            "transcription",
            "transcription",
            "transcription",
            "call_status",
            "call_completed"),
        recorder.types(callId));
  }

  @Test
  void sameLiveTurnOnBothNodesIsStoredAndPublishedOnce() {
    long callId = insertCall(schema, CALL_SID, null, "in_progress");
    byte[] body = fixture("transcription_turn.json");
    List<HttpResponse<Buffer>> responses =
        sendAll(WebhookRole.TRANSCRIPTION, Collections.nCopies(40, body));
    responses.forEach(r -> assertEquals(200, r.statusCode(), r.bodyAsString()));
    assertEquals(
        1,
        responses.stream()
            .map(r -> r.bodyAsJsonObject().getLong("transcription_id"))
            .distinct()
            .count());
    responses.forEach(r -> assertEquals(1, r.bodyAsJsonObject().getInteger("sequence_number")));
    assertEquals(1, count(schema, "SELECT count(*) FROM transcriptions WHERE call_id = " + callId));
    assertEquals(1, count(schema, "SELECT last_sequence_number FROM calls WHERE id = " + callId));
    recorder.settle(a, b);
    assertEquals(List.of("transcription"), recorder.types(callId));
  }

  @Test
  void hundredConcurrentTurnsGetSequenceNumbersOneToHundred() {
    long callId = insertCall(schema, CALL_SID, null, "initiated");
    List<byte[]> bodies =
        IntStream.rangeClosed(1, 100)
            .mapToObj(
                i ->
                    new JsonObject()
                        .put("call_sid", CALL_SID)
                        .put("speaker", i % 2 == 0 ? "agent" : "user")
                        .put("message", "turn " + i)
                        .put("timestamp", 1795262340 + i)
                        .toBuffer()
                        .getBytes())
            .toList();
    List<HttpResponse<Buffer>> responses = sendAll(WebhookRole.TRANSCRIPTION, bodies);
    TreeSet<Integer> numbers = new TreeSet<>();
    responses.forEach(
        r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          numbers.add(r.bodyAsJsonObject().getInteger("sequence_number"));
        });
    assertEquals(100, numbers.size());
    assertEquals(1, numbers.first());
    assertEquals(100, numbers.last());
    assertEquals(
        "100 1 100 100",
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) || ' ' || min(sequence_number) "
                + "|| ' ' || max(sequence_number) || ' ' || count(DISTINCT sequence_number) FROM transcriptions "
                + "WHERE call_id = "
                + callId));
    assertEquals(100, count(schema, "SELECT last_sequence_number FROM calls WHERE id = " + callId));
    recorder.settle(a, b);
    List<String> types = recorder.types(callId);
    assertEquals(100, types.stream().filter("transcription"::equals).count());
    assertEquals(
        1, types.stream().filter("call_status"::equals).count(), "one initiated -> in_progress");
  }
}
