package io.callstream.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 10: a parked post-call event whose call never appears is expired by the reconciler after
 * INBOX_PARKED_RETENTION_HOURS (here 72, the default), counted, and no longer counted as pending,
 * so the oldest-pending alert stops firing; a younger parked event stays pending.
 */
class ParkedExpiryTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("parked_expiry");
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of("RECONCILE_INTERVAL_SECONDS", "1", "INBOX_PARKED_RETENTION_HOURS", "72")));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  @Test
  void aParkedRowOlderThanTheRetentionIsExpiredAndCountedAYoungerOneIsNot() {
    long old = parked("conv_never_old", "73 hours");
    long young = parked("conv_never_young", "71 hours");

    Await.until("the old parked row expired", () -> "expired".equals(status(old)));
    Await.until("the expiry was counted", () -> expiredCount() == 1);
    assertEquals("pending", status(young), "a parked row within the retention stays parked");
    assertTrue(
        ((String)
                TestDatabase.queryValue(
                    schema, "SELECT error FROM webhook_events WHERE id = " + old))
            .startsWith("expired: parked"));
    assertEquals(
        Boolean.TRUE,
        TestDatabase.queryValue(
            schema, "SELECT body ? 'data' FROM webhook_events WHERE id = " + old),
        "the body is kept for forensics");

    // the gauges now see only the young row: 1 pending, about 71 h old (below the 72 h retention)
    Await.until(
        "the gauges were refreshed without the expired row",
        () -> gauge("callstream_inbox_pending") == 1);
    double oldest = gauge("callstream_inbox_oldest_pending_age");
    assertTrue(oldest > 70 * 3600 && oldest < 72 * 3600, "oldest pending age " + oldest);

    // later runs neither expire the young row nor count the old one again
    double runs = runs();
    Await.until("two more reconciler runs", () -> runs() >= runs + 2);
    assertEquals("pending", status(young));
    assertEquals(1, expiredCount());
  }

  /** A pending (parked) post-call row for a call that does not exist, received {@code age} ago. */
  private static long parked(String conversationId, String age) {
    String body =
        "{\"type\":\"post_call_transcription\",\"event_timestamp\":1700000000,"
            + "\"data\":{\"conversation_id\":\""
            + conversationId
            + "\"}}";
    Object id =
        TestDatabase.queryValue(
            schema,
            "INSERT INTO webhook_events (type, conversation_id, event_timestamp, "
                + "body, body_sha256, status, received_at) VALUES ('post_call_transcription', '"
                + conversationId
                + "', 1700000000, '"
                + body
                + "'::jsonb, 'sha_"
                + conversationId
                + "', 'pending', now() - interval '"
                + age
                + "') RETURNING id");
    return ((Number) id).longValue();
  }

  private static String status(long id) {
    return (String)
        TestDatabase.queryValue(schema, "SELECT status FROM webhook_events WHERE id = " + id);
  }

  private static double expiredCount() {
    Counter c = node.registry().find("callstream_inbox_expired").counter();
    return c == null ? 0 : c.count();
  }

  private static double gauge(String name) {
    return node.registry().find(name).gauge().value();
  }

  private static double runs() {
    Counter c = node.registry().find("callstream_reconciler_runs").tag("outcome", "ok").counter();
    return c == null ? 0 : c.count();
  }
}
