package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.bytes;
import static io.callstream.webhook.WebhookTestSupport.count;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.auth.Tokens;
import io.callstream.events.CallEvents;
import io.callstream.support.Await;
import io.callstream.support.DashboardClient;
import io.callstream.support.EventRecorder;
import io.callstream.support.Http;
import io.callstream.support.TcpProxy;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 4: PostgreSQL stops answering (a TCP proxy between the node and it accepts and holds every
 * byte) while live turns keep arriving. Every webhook is answered 503 with Retry-After within
 * WEBHOOK_DEADLINE_MS (none hangs, none gets 200 before its commit), the writer's queue never holds
 * more than WRITER_MAX_QUEUE turns, and once the stall clears, retrying every refused turn stores
 * each exactly once and a subscribed dashboard sees each exactly once, including the turns whose
 * statement was already on its way and committed after their 503.
 */
class WebhookStallTest {
  static final int DEADLINE_MS = 2_000;
  static final int MAX_QUEUE = 20;
  static final int TURNS = 60;
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static TcpProxy proxy;
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("webhook_stall");
    vertx = Vertx.vertx();
    proxy = new TcpProxy(vertx, "127.0.0.1", 5432);
    Await.result(proxy.up());
    String url = TestDatabase.URL.replace(":5432/", ":" + proxy.port() + "/");
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "DATABASE_URL",
                    url,
                    "RECONCILE_ENABLED",
                    "false",
                    "WEBHOOK_DEADLINE_MS",
                    String.valueOf(DEADLINE_MS),
                    "WRITER_MAX_QUEUE",
                    String.valueOf(MAX_QUEUE))));
  }

  @AfterAll
  static void tearDown() {
    proxy.unstall();
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  record Timed(HttpResponse<Buffer> response, long millis) {}

  @Test
  void aStalledDatabaseGets503WithinTheDeadlineAndEveryTurnIsStoredAndAnnouncedOnce() {
    long callId = insertCall(schema, CALL_SID, null, "in_progress");
    WebClient client =
        Http.client(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(2 * TURNS));
    String token =
        new Tokens(vertx, TestConfig.config(schema).auth()).issue("stall-dispatcher", "dispatcher");
    DashboardClient dashboard = new DashboardClient(vertx, node::port, token, false);
    dashboard.start(List.of(CALL_SID));
    // what was announced on the bus (a dashboard's subscription would hide a repeated turn)
    EventRecorder bus = EventRecorder.on(node);
    try {
      Await.until("the dashboard is subscribed", () -> dashboard.confirmations == 1);
      // one turn before the stall: the writer's connection is open and idle when the database stops
      // answering
      assertEquals(200, Await.result(send(client, 0)).response().statusCode());
      Await.until("the first turn reached the dashboard", () -> frames(dashboard).size() == 1);

      proxy.stall();
      List<Future<Timed>> sent =
          IntStream.rangeClosed(1, TURNS).mapToObj(i -> send(client, i)).toList();
      List<Timed> answers =
          sent.stream().map(f -> Await.result(f, Duration.ofSeconds(60))).toList();
      for (Timed a : answers) {
        assertEquals(503, a.response().statusCode(), a.response().bodyAsString());
        assertNotNull(
            a.response().getHeader("Retry-After"), "a 503 tells the sender when to retry");
        assertTrue(
            a.millis() < DEADLINE_MS + 3_000,
            "answered after " + a.millis() + " ms, deadline " + DEADLINE_MS);
      }
      assertTrue(
          metric("callstream_live_writer_queue_peak") <= MAX_QUEUE,
          "the queue held "
              + metric("callstream_live_writer_queue_peak")
              + " turns, bound "
              + MAX_QUEUE);
      assertTrue(
          metric("callstream_live_writer_rejected_total") > 0,
          "the bound was reached and enforced");
      assertEquals(1, frames(dashboard).size(), "nothing was announced while nothing could commit");

      proxy.unstall();
      int duplicates = 0;
      for (int i = 1; i <= TURNS; i++) {
        int n = i;
        HttpResponse<Buffer> r =
            Await.latest(
                () -> Await.result(send(client, n)).response(),
                x -> x.statusCode() == 200,
                Await.TIMEOUT);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        duplicates += r.bodyAsJsonObject().getBoolean("duplicate") ? 1 : 0;
      }
      assertTrue(
          duplicates >= 1,
          "the statement in flight during the stall committed after its turns' 503");

      String turns = "FROM transcriptions WHERE call_id = " + callId;
      assertEquals(TURNS + 1, count(schema, "SELECT count(*) " + turns), "every turn stored once");
      assertEquals(TURNS + 1, count(schema, "SELECT count(DISTINCT message_text) " + turns));
      assertEquals(
          TURNS + 1,
          count(schema, "SELECT max(sequence_number) " + turns),
          "numbered without gaps");
      // one more turn as a barrier: a call's frames arrive in order, so everything before it has
      // arrived too
      assertEquals(200, Await.result(send(client, TURNS + 1)).response().statusCode());
      Await.until(
          "the barrier turn reached the dashboard", () -> frames(dashboard).contains(TURNS + 2));
      List<Integer> seen = frames(dashboard);
      assertEquals(TURNS + 2, seen.size(), "each turn announced exactly once: " + seen);
      assertEquals(TURNS + 2, new HashSet<>(seen).size(), "no turn received twice: " + seen);
      bus.settle(node);
      assertEquals(
          TURNS + 2,
          bus.of(callId).stream().filter(e -> e.kind() == CallEvents.Kind.TRANSCRIPTION).count(),
          "each turn announced exactly once: " + bus.types(callId));

      // the post-call webhook the same way: 503 within the deadline during a stall, its transaction
      // commits late,
      // and its retry is a duplicate: the call's end is stored and announced once
      byte[] postCall = WebhookTestSupport.fixture("post_call_transcription.json");
      proxy.stall();
      long start = System.nanoTime();
      HttpResponse<Buffer> refused =
          WebhookTestSupport.post(client, node.port(), WebhookRole.POST_CALL, postCall);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, refused.statusCode(), refused.bodyAsString());
      assertNotNull(refused.getHeader("Retry-After"));
      assertTrue(millis < DEADLINE_MS + 3_000, "answered after " + millis + " ms");
      proxy.unstall();
      HttpResponse<Buffer> completed =
          Await.latest(
              () -> WebhookTestSupport.post(client, node.port(), WebhookRole.POST_CALL, postCall),
              x -> x.statusCode() == 200,
              Await.TIMEOUT);
      assertEquals(200, completed.statusCode(), completed.bodyAsString());
      Await.until("the dashboard saw the call end", () -> dashboard.log(CALL_SID).completed);
      assertEquals(
          "completed",
          TestDatabase.queryValue(schema, "SELECT status FROM calls WHERE id = " + callId));
      assertEquals(
          1,
          count(
              schema,
              "SELECT count(*) FROM webhook_events WHERE type = 'post_call_transcription'"));
      assertEquals(
          1, dashboard.log(CALL_SID).types.stream().filter("call_completed"::equals).count());
      bus.settle(node);
      assertEquals(
          1,
          bus.of(callId).stream().filter(e -> e.kind() == CallEvents.Kind.COMPLETED).count(),
          "the call's end announced once: " + bus.types(callId));
    } finally {
      bus.close();
      dashboard.close();
      client.close();
    }
  }

  private static List<Integer> frames(DashboardClient dashboard) {
    return new ArrayList<>(dashboard.log(CALL_SID).sequenceNumbers);
  }

  private static double metric(String name) {
    var registry = node.registry();
    var gauge = registry.find(name).gauge();
    if (gauge != null) {
      return gauge.value();
    }
    var counter = registry.find(name.replace("_total", "")).functionCounter();
    return counter == null ? -1 : counter.count();
  }

  /** Turn {@code i} of the call, signed; its answer and how long it took. */
  private static Future<Timed> send(WebClient client, int i) {
    byte[] body =
        bytes(
            "{\"call_sid\":\""
                + CALL_SID
                + "\",\"speaker\":\"user\",\"message\":\"stall turn "
                + i
                + "\",\"timestamp\":\"2026-11-21T11:19:07Z\"}");
    long start = System.nanoTime();
    return client
        .post(node.port(), "127.0.0.1", WebhookRole.TRANSCRIPTION)
        .putHeader(SignatureVerifier.HEADER, WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body))
        .map(r -> new Timed(r, (System.nanoTime() - start) / 1_000_000));
  }
}
