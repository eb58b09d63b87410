package io.callstream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.auth.Tokens;
import io.callstream.support.Await;
import io.callstream.support.DashboardClient;
import io.callstream.support.Nginx;
import io.callstream.support.NodeProcess;
import io.callstream.support.Ports;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three node JVMs from the built jar behind the project's nginx configuration, real PostgreSQL,
 * dashboards on WebSockets through nginx. Turns stream to all nodes (directly and through nginx);
 * one node is SIGKILLed mid-stream; its dashboards reconnect through nginx and resume with since.
 * Every dashboard must end with every turn exactly once, in order, and every call_completed. Then a
 * second node is drained with SIGTERM.
 */
class ClusterE2EIT {
  static final int CALLS = 4;
  static final int TURNS = 40;
  static final int DASHBOARDS = 6;
  static final int DRAIN_SECONDS = 10;

  static String schema;
  static Vertx vertx;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("e2e");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
    TestDatabase.dropSchema(schema);
  }

  @Test
  void clusterSurvivesAKilledNodeAndDrainsAnother() throws Exception {
    List<String> sids = IntStream.rangeClosed(1, CALLS).mapToObj(i -> "EL_e2e_" + i).toList();
    for (int i = 1; i <= CALLS; i++) {
      TestDatabase.queryValue(
          schema,
          "INSERT INTO calls (call_sid, conversation_id, status, call_start_time) "
              + "VALUES ('EL_e2e_"
              + i
              + "', 'conv_e2e_"
              + i
              + "', 'in_progress', now()) RETURNING id");
    }
    int[] httpPorts = {Ports.free(), Ports.free(), Ports.free()};
    int[] hzPorts = {Ports.free(), Ports.free(), Ports.free()};
    String members =
        "127.0.0.1:" + hzPorts[0] + ",127.0.0.1:" + hzPorts[1] + ",127.0.0.1:" + hzPorts[2];
    List<NodeProcess> nodes = new ArrayList<>();
    try (Nginx nginx = Nginx.start(List.of(httpPorts[0], httpPorts[1], httpPorts[2]))) {
      for (int i = 0; i < 3; i++) {
        Map<String, String> env = new HashMap<>(TestConfig.env(schema));
        env.put("HTTP_PORT", String.valueOf(httpPorts[i]));
        env.put("HTTP_INSTANCES", "2");
        env.put("CLUSTER_ENABLED", "true");
        env.put("CLUSTER_PORT", String.valueOf(hzPorts[i]));
        env.put("CLUSTER_MEMBERS", members);
        env.put("DRAIN_TIMEOUT_SECONDS", String.valueOf(DRAIN_SECONDS));
        nodes.add(NodeProcess.start("e2e-node" + (i + 1), env));
      }
      for (NodeProcess n : nodes) {
        n.awaitStatus("/ready", 200, Duration.ofSeconds(90));
      }
      String token =
          new Tokens(vertx, TestConfig.config(schema).auth()).issue("e2e-dispatcher", "dispatcher");

      // dashboards through nginx (they land on any node), resubscribing with since after a lost
      // connection
      List<DashboardClient> dashboards = new ArrayList<>();
      for (int d = 0; d < DASHBOARDS; d++) {
        DashboardClient c = new DashboardClient(vertx, nginx::port, token, true);
        c.start(sids);
        dashboards.add(c);
      }
      Await.until(
          "every dashboard confirmed every subscription",
          () -> dashboards.stream().allMatch(c -> c.confirmations >= CALLS),
          Duration.ofSeconds(60));

      // stream turns: each call sequentially, the calls in parallel; targets rotate over the 3
      // nodes and nginx
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      // set before the kill, so that a sender whose request the kill breaks knows the node is gone
      java.util.concurrent.atomic.AtomicIntegerArray killed =
          new java.util.concurrent.atomic.AtomicIntegerArray(3);
      CompletableFuture<Void> halfway = new CompletableFuture<>();
      ExecutorService senders = Executors.newFixedThreadPool(CALLS);
      List<CompletableFuture<Void>> streams = new ArrayList<>();
      for (int c = 0; c < CALLS; c++) {
        int call = c;
        streams.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int t = 1; t <= TURNS; t++) {
                    if (t == TURNS / 2 && call == 0) {
                      killed.set(2, 1);
                      nodes.get(2).kill(); // SIGKILL node 3 mid-stream
                      halfway.complete(null);
                    }
                    if (t == TURNS / 2 + 1) {
                      halfway.join();
                    }
                    int target = (t + call) % 4; // 0..2: a node directly, 3: nginx
                    int port = target == 3 ? nginx.port() : httpPorts[target];
                    if (target < 3 && killed.get(target) == 1) {
                      port = nginx.port(); // a dead node gets nothing: its traffic goes through the
                      // balancer
                    }
                    String body =
                        new JsonObject()
                            .put("call_sid", sids.get(call))
                            .put("speaker", t % 2 == 0 ? "user" : "agent")
                            .put("message", "turn " + t + " of " + sids.get(call))
                            .put("timestamp", 1_795_262_400L + t)
                            .encode();
                    int status = post(port, "/webhooks/elevenlabs/transcription", body);
                    if (status != 200 && target < 3 && killed.get(target) == 1) {
                      status =
                          post(
                              nginx.port(),
                              "/webhooks/elevenlabs/transcription",
                              body); // it died under us: redeliver
                    }
                    if (status != 200) {
                      failures.add(
                          sids.get(call) + " turn " + t + " -> " + status + " via " + port);
                    }
                  }
                },
                senders));
      }
      CompletableFuture.allOf(streams.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      senders.shutdown();
      assertTrue(failures.isEmpty(), "webhooks to live nodes must all get 200: " + failures);

      // the post-call completion of every call, through nginx
      for (int i = 1; i <= CALLS; i++) {
        assertEquals(
            200, post(nginx.port(), "/webhooks/elevenlabs/post-call", postCall("conv_e2e_" + i)));
      }
      Await.until(
          "every dashboard saw every call complete",
          () -> dashboards.stream().allMatch(DashboardClient::allCompleted),
          Duration.ofSeconds(60));

      for (DashboardClient c : dashboards) {
        for (String sid : sids) {
          DashboardClient.CallLog log = c.log(sid);
          assertEquals(
              IntStream.rangeClosed(1, TURNS).boxed().toList(),
              log.sequenceNumbers,
              "every turn exactly once and in order for " + sid);
          int status = log.types.indexOf("call_status");
          assertTrue(
              status >= 0
                  && log.types.indexOf("call_completed") == log.types.size() - 1
                  && status < log.types.size() - 1,
              "call_status then call_completed last: " + log.types);
        }
      }
      assertTrue(
          dashboards.stream().anyMatch(c -> c.connections > 1),
          "dashboards on the killed node reconnected through nginx");
      assertEquals(
          (long) CALLS * TURNS,
          TestDatabase.queryValue(schema, "SELECT count(*) FROM transcriptions"));

      // drain node 2: sockets on it see 1001, it exits 0 within the drain bound, node 1 carries on
      DashboardClient onNode2 = new DashboardClient(vertx, () -> httpPorts[1], token, false);
      TestDatabase.queryValue(
          schema,
          "INSERT INTO calls (call_sid, status) VALUES ('EL_e2e_after', 'in_progress') RETURNING id");
      onNode2.start(List.of("EL_e2e_after"));
      Await.until(
          "socket on node 2 subscribed", () -> onNode2.confirmations == 1, Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      int exit = nodes.get(1).terminate(Duration.ofSeconds(DRAIN_SECONDS + 5));
      long drainMs = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(0, exit, nodes.get(1).log());
      assertTrue(drainMs <= DRAIN_SECONDS * 1000L, "drained in " + drainMs + " ms");
      Await.until(
          "the socket on the drained node saw 1001",
          () -> onNode2.closeCodes.contains((short) 1001),
          Duration.ofSeconds(10));
      nodes.get(0).awaitStatus("/ready", 200, Duration.ofSeconds(10));
      String turn =
          new JsonObject()
              .put("call_sid", "EL_e2e_after")
              .put("speaker", "agent")
              .put("message", "still here")
              .put("timestamp", 1_795_262_999L)
              .encode();
      assertEquals(200, post(nginx.port(), "/webhooks/elevenlabs/transcription", turn));
      System.out.println(
          "e2e: drain of node 2 took "
              + drainMs
              + " ms; dashboards reconnected: "
              + dashboards.stream().mapToInt(c -> c.connections - 1).sum());
      dashboards.forEach(DashboardClient::close);
    } finally {
      nodes.forEach(NodeProcess::close);
    }
  }

  private int post(int port, String path, String body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(20))
              .header("Content-Type", "application/json")
              .header("ElevenLabs-Signature", WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String postCall(String conversationId) {
    JsonObject data =
        new JsonObject()
            .put("agent_id", "agent_e2e")
            .put("conversation_id", conversationId)
            .put("status", "done")
            .put("transcript", new JsonArray())
            .put(
                "metadata",
                new JsonObject()
                    .put("start_time_unix_secs", 1_795_262_400L)
                    .put("call_duration_secs", 42)
                    .put("cost", 100))
            .put(
                "analysis",
                new JsonObject()
                    .put("call_successful", "success")
                    .put("transcript_summary", "e2e call"));
    return new JsonObject()
        .put("type", "post_call_transcription")
        .put("event_timestamp", 1_795_262_500L)
        .put("data", data)
        .encode();
  }
}
