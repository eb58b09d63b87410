package io.callstream.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.call.FakeElevenLabs;
import io.callstream.support.Await;
import io.callstream.support.EventRecorder;
import io.callstream.support.TestDatabase;
import io.callstream.support.TwoNodeCluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two clustered nodes on one schema run the reconciler every second (RECONCILE_AFTER_SECONDS=60;
 * the tests backdate the rows they want stuck), against a fake ElevenLabs that counts conversation
 * requests. Each test is independent of the others and of their order: each uses its own call
 * identifiers, and the two tests that take a node or the lock's session away start a cluster of
 * their own.
 */
class ReconcilerTest {
  static Vertx fakeVertx;
  static FakeElevenLabs fake;

  /** The cluster of the tests that leave both nodes running. */
  static TwoNodeCluster cluster;

  @BeforeAll
  static void setUp() {
    // the nodes must know the fake's URL before they start; the fake reads a schema only to answer
    // dials, and
    // nothing is dialled here
    fakeVertx = Vertx.vertx();
    fake = new FakeElevenLabs(fakeVertx, "unused").start();
    cluster = start("reconcile");
  }

  private static TwoNodeCluster start(String schemaPrefix) {
    return TwoNodeCluster.start(
        schemaPrefix,
        Map.of(
            "ELEVENLABS_API_URL",
            fake.url(),
            "ELEVENLABS_API_KEY",
            FakeElevenLabs.API_KEY,
            "ELEVENLABS_AGENT_ID",
            "agent_test",
            "ELEVENLABS_PHONE_NUMBER_ID",
            "phnum_test",
            "ELEVENLABS_API_TIMEOUT_MS",
            "3000",
            "RECONCILE_INTERVAL_SECONDS",
            "1",
            "RECONCILE_AFTER_SECONDS",
            "60"));
  }

  @AfterAll
  static void tearDown() {
    cluster.close();
    fake.close();
    Await.result(fakeVertx.close());
  }

  @Test
  void aStuckCallIsFetchedOncePerRunByTheLeaderOnlyAndCompleted() {
    try (EventRecorder events = recorder(cluster.a, cluster.b)) {
      String sid = "EL_R1_1";
      String conv = "conv_r1";
      fake.conversation(
          conv, new JsonObject().put("conversation_id", conv).put("status", "processing"));
      double runsBefore = runs(cluster.a, "ok") + runs(cluster.b, "ok");
      long id = insertCall(cluster, sid, conv, "in_progress", "1 hour");
      // still running at ElevenLabs: asked again on every run, applied never
      Await.until("the stuck call's conversation was fetched 3 times", () -> fetches(conv) >= 3);
      Node leader = leader(cluster);
      Node other = other(cluster, leader);
      assertEquals(0, runs(other, "ok"), "only one node runs the duties");
      assertTrue(runs(other, "not_leader") > 0, "the other node tried the lock and was refused");
      assertEquals("in_progress", status(cluster, id));
      assertTrue(gauge(leader, "callstream_calls_stuck").value() >= 1);
      assertNull(gauge(other, "callstream_calls_stuck"), "only the leader exports the stuck count");
      // the alerts' view: exactly one node says it leads, both see the two-member cluster and the
      // database
      Await.until(
          "the leader's gauge says it leads",
          () -> gauge(leader, "callstream_reconciler_leader").value() == 1);
      assertEquals(
          0,
          gauge(other, "callstream_reconciler_leader").value(),
          "the refused node does not lead");
      for (Node n : cluster.nodes()) {
        assertEquals(
            2,
            gauge(n, "callstream_cluster_members").value(),
            "port " + n.port() + " sees both members");
        assertEquals(1, gauge(n, "callstream_database_up").value());
      }

      fake.conversation(conv, doneConversation(conv, sid));
      events.awaitFrame("call_completed of " + sid, frame("call_completed", sid));
      assertEquals("completed", status(cluster, id));
      assertEquals(
          "Settled by the reconciler.",
          TestDatabase.queryValue(
              cluster.schema, "SELECT transcript_summary FROM calls WHERE id = " + id));
      double runsAtCompletion = runs(leader, "ok");
      Await.until("the leader finished another run", () -> runs(leader, "ok") > runsAtCompletion);

      long fetched = fetches(conv);
      double leaderRuns = runs(leader, "ok") - runsBefore;
      assertTrue(
          fetched <= leaderRuns,
          fetched + " fetches in " + leaderRuns + " leader runs: at most one per run");
      double runsAfter = runs(leader, "ok");
      Await.until("the leader finished another run", () -> runs(leader, "ok") > runsAfter);
      assertEquals(fetched, fetches(conv), "a completed call is no longer fetched");
      assertTrue(count(leader, "fetched") >= 4 && count(leader, "completed") >= 1);
      assertEquals(0, runs(cluster.a, "error") + runs(cluster.b, "error"));

      events.settle(cluster.a, cluster.b);
      assertEquals(1, events.frames(sid).stream().filter(frame("call_completed", sid)).count());
      assertEquals(
          List.of("completed"),
          events.frames(sid).stream()
              .filter(frame("call_status", sid))
              .map(f -> f.getString("status"))
              .toList());
    }
  }

  @Test
  void aStaleInitiatedCallWithoutConversationIsMarkedFailed() {
    try (EventRecorder events = recorder(cluster.a, cluster.b)) {
      long fresh = insertCall(cluster, "EL_R2_fresh", null, "initiated", "0 seconds");
      long stale = insertCall(cluster, "EL_R2_stale", null, "initiated", "2 minutes");
      JsonObject completed =
          events.awaitFrame(
              "call_completed of EL_R2_stale", frame("call_completed", "EL_R2_stale"));
      assertEquals("failed", status(cluster, stale));
      String reason =
          (String)
              TestDatabase.queryValue(
                  cluster.schema, "SELECT failure_reason FROM calls WHERE id = " + stale);
      assertTrue(reason.startsWith("no_conversation_id: still initiated after 60 s"), reason);
      assertEquals(
          "failed", completed.getJsonObject("call_data").getString("status"), completed.encode());
      assertEquals(
          "failed",
          events
              .awaitFrame("call_status of EL_R2_stale", frame("call_status", "EL_R2_stale"))
              .getString("status"));

      Node leader = leader(cluster);
      double runs = runs(leader, "ok");
      Await.until("the leader finished another run", () -> runs(leader, "ok") > runs);
      assertEquals(
          "initiated", status(cluster, fresh), "a call initiated within the bound is left alone");
      assertTrue(count(leader, "marked_failed") >= 1);
    }
  }

  @Test
  void aParkedEventIsAppliedOnceItsCallExistsAndEveryNodeShowsTheBacklog() {
    try (EventRecorder events = recorder(cluster.a, cluster.b)) {
      String sid = "EL_R3_1";
      String conv = "conv_r3";
      JsonObject body =
          new JsonObject()
              .put("type", "post_call_transcription")
              .put("event_timestamp", Instant.now().getEpochSecond())
              .put("data", doneConversation(conv, sid));
      TestDatabase.queryValue(
          cluster.schema,
          "INSERT INTO webhook_events (type, conversation_id, call_sid, "
              + "event_timestamp, body, body_sha256, status, received_at) VALUES ('post_call_transcription', '"
              + conv
              + "', '"
              + sid
              + "', "
              + body.getLong("event_timestamp")
              + ", '"
              + body.encode().replace("'", "''")
              + "'::jsonb, 'sha_r3', 'pending', now() - interval '2 hours') RETURNING id");
      for (Node n : cluster.nodes()) {
        Await.until(
            "port " + n.port() + " shows the parked event",
            () -> gauge(n, "callstream_inbox_pending").value() == 1);
        // parked 2 hours ago (under the 72 h retention): the gauge is its age, give or take this
        // test's duration
        double age = gauge(n, "callstream_inbox_oldest_pending_age").value();
        assertTrue(age >= 7200 && age < 7200 + 120, "oldest pending age " + age + " s");
      }

      // the call appears after the event was parked (the call start's own "apply what is parked"
      // missed it)
      long id = insertCall(cluster, sid, conv, "in_progress", "0 seconds");
      events.awaitFrame("call_completed of " + sid, frame("call_completed", sid));
      assertEquals("completed", status(cluster, id));
      assertEquals(
          "processed",
          TestDatabase.queryValue(
              cluster.schema, "SELECT status FROM webhook_events WHERE body_sha256 = 'sha_r3'"));
      for (Node n : cluster.nodes()) {
        Await.until(
            "port " + n.port() + " shows no backlog",
            () -> gauge(n, "callstream_inbox_pending").value() == 0);
      }
      assertTrue(count(leader(cluster), "parked_applied") >= 1);
      events.settle(cluster.a, cluster.b);
      assertEquals(1, events.frames(sid).stream().filter(frame("call_completed", sid)).count());
    }
  }

  @Test
  void stoppingTheLeaderMovesTheWorkToTheSurvivor() throws Exception {
    try (TwoNodeCluster own = start("reconcile_failover")) {
      Node leader = awaitLeader(own);
      Node survivor = other(own, leader);
      try (EventRecorder events = EventRecorder.on(survivor)) {
        Await.until(
            "the survivor's gauge says it does not lead",
            () -> gauge(survivor, "callstream_reconciler_leader").value() == 0);
        leader.shutdown(30);
        assertEquals(
            0,
            gauge(leader, "callstream_reconciler_leader").value(),
            "a stopped node gave up the lock");
        String sid = "EL_R4_1";
        String conv = "conv_r4";
        fake.conversation(conv, doneConversation(conv, sid));
        long id = insertCall(own, sid, conv, "in_progress", "1 hour");
        events.awaitFrame("call_completed of " + sid, frame("call_completed", sid));
        assertEquals("completed", status(own, id));
        assertTrue(runs(survivor, "ok") > 0, "the survivor took the lock");
        Await.until(
            "the survivor's gauge says it leads",
            () -> gauge(survivor, "callstream_reconciler_leader").value() == 1);
        Await.until(
            "the survivor sees a one-member cluster",
            () -> gauge(survivor, "callstream_cluster_members").value() == 1);
        assertTrue(fetches(conv) >= 1);
      }
    }
  }

  @Test
  void whenTheLockSessionEndsTheLockIsTakenAgain() {
    try (TwoNodeCluster own = start("reconcile_session")) {
      awaitLeader(own);
      Object holder = lockHolder(own);
      assertNotNull(holder, "a session holds the reconciler's lock");
      // the database ends the holder's session (a restart, a dropped connection): the lock goes
      // with it
      TestDatabase.queryValue(own.schema, "SELECT pg_terminate_backend(" + holder + ")");
      try (EventRecorder events = recorder(own.a, own.b)) {
        Await.until(
            "another session took the lock",
            () -> {
              Object now = lockHolder(own);
              return now != null && !now.equals(holder);
            });
        String sid = "EL_R5_1";
        String conv = "conv_r5";
        fake.conversation(conv, doneConversation(conv, sid));
        long id = insertCall(own, sid, conv, "in_progress", "1 hour");
        events.awaitFrame("call_completed of " + sid, frame("call_completed", sid));
        assertEquals("completed", status(own, id));
      }
    }
  }

  /** The backend pid holding this schema's reconciler lock, or null. */
  private static Object lockHolder(TwoNodeCluster c) {
    return TestDatabase.queryValue(
        c.schema,
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
            + "AND granted AND classid = "
            + LeaderLock.LOCK_CLASS
            + " AND objid = hashtext('"
            + c.schema
            + "')::oid");
  }

  private static EventRecorder recorder(Node on, Node from) {
    EventRecorder events = EventRecorder.on(on);
    events.awaitVisibleFrom(from);
    return events;
  }

  /** The one node of the cluster that has run the duties. */
  private static Node leader(TwoNodeCluster c) {
    List<Node> leaders = c.nodes().stream().filter(n -> runs(n, "ok") > 0).toList();
    assertEquals(1, leaders.size(), "exactly one node has led");
    return leaders.get(0);
  }

  /** Waits for the first run of a fresh cluster's leader. */
  private static Node awaitLeader(TwoNodeCluster c) {
    Await.until(
        "a node of port " + c.a.port() + "'s cluster ran the duties",
        () -> c.nodes().stream().anyMatch(n -> runs(n, "ok") > 0));
    return leader(c);
  }

  private static Node other(TwoNodeCluster c, Node node) {
    return node == c.a ? c.b : c.a;
  }

  private static double runs(Node node, String outcome) {
    Counter c =
        node.registry().find("callstream_reconciler_runs").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private static double count(Node node, String action) {
    Counter c =
        node.registry().find("callstream_reconciler_actions").tag("action", action).counter();
    return c == null ? 0 : c.count();
  }

  private static Gauge gauge(Node node, String name) {
    return node.registry().find(name).gauge();
  }

  private static long fetches(String conversationId) {
    return fake.conversationRequests().stream().filter(conversationId::equals).count();
  }

  /** A calls row created and last changed {@code age} ago (a PostgreSQL interval). */
  private static long insertCall(
      TwoNodeCluster c, String sid, String conversationId, String status, String age) {
    Object id =
        TestDatabase.queryValue(
            c.schema,
            "INSERT INTO calls (call_sid, conversation_id, status, "
                + "call_start_time, created_at, updated_at) VALUES ('"
                + sid
                + "', "
                + (conversationId == null ? "NULL" : "'" + conversationId + "'")
                + ", '"
                + status
                + "', now() - interval '"
                + age
                + "', now() - interval '"
                + age
                + "', now() - interval '"
                + age
                + "') RETURNING id");
    assertNotNull(id);
    return ((Number) id).longValue();
  }

  private static String status(TwoNodeCluster c, long id) {
    return (String) TestDatabase.queryValue(c.schema, "SELECT status FROM calls WHERE id = " + id);
  }

  private static Predicate<JsonObject> frame(String type, String sid) {
    return f -> type.equals(f.getString("type")) && sid.equals(f.getString("call_sid"));
  }

  /**
   * A finished conversation as ElevenLabs' GET conversation (and a post_call_transcription's data)
   * has it.
   */
  private static JsonObject doneConversation(String conversationId, String callSid) {
    long start = Instant.now().getEpochSecond() - 120;
    return new JsonObject()
        .put("agent_id", "agent_test")
        .put("conversation_id", conversationId)
        .put("status", "done")
        .put(
            "transcript",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("role", "agent")
                        .put("message", "Hello, a quick question.")
                        .put("time_in_call_secs", 1)))
        .put(
            "metadata",
            new JsonObject()
                .put("start_time_unix_secs", start)
                .put("call_duration_secs", 30)
                .put("cost", 120))
        .put(
            "analysis",
            new JsonObject()
                .put("call_successful", "success")
                .put("transcript_summary", "Settled by the reconciler."))
        .put(
            "conversation_initiation_client_data",
            new JsonObject()
                .put("dynamic_variables", new JsonObject().put("callstream_call_sid", callSid)));
  }
}
