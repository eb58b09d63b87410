package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.count;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static io.callstream.webhook.WebhookTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.config.Config;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A lock held by another connection (an operator's long transaction, a migration) makes a live-turn
 * write fail within DB_LOCK_TIMEOUT_MS with a retryable 503, long before the webhook deadline,
 * instead of waiting for the lock; once the lock is gone the same delivery is stored once.
 */
class WebhookLockTimeoutTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("webhook_lock");
    vertx = Vertx.vertx();
    // the deadline is far: what answers here is the lock timeout
    node =
        nodes.start(
            TestConfig.config(
                schema,
                Map.of(
                    "DB_LOCK_TIMEOUT_MS",
                    "1000",
                    "WEBHOOK_DEADLINE_MS",
                    "60000",
                    "RECONCILE_ENABLED",
                    "false")));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  @Test
  void aHeldLockFailsTheWriteWithinTheLockTimeout() throws Exception {
    insertCall(schema, CALL_SID, null, "in_progress");
    WebClient client = Http.client(vertx);
    byte[] turn = fixture("transcription_turn.json");
    Config.Database db = TestDatabase.database(schema);
    try (Connection holder = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement st = holder.createStatement()) {
      holder.setAutoCommit(false);
      st.execute("LOCK TABLE " + schema + ".transcriptions IN ACCESS EXCLUSIVE MODE");
      long start = System.nanoTime();
      HttpResponse<Buffer> refused = post(client, node.port(), WebhookRole.TRANSCRIPTION, turn);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, refused.statusCode(), refused.bodyAsString());
      assertNotNull(refused.getHeader("Retry-After"));
      assertTrue(
          millis < 15_000, "answered after " + millis + " ms (lock timeout 1 s, deadline 60 s)");
      holder.rollback();
    }
    HttpResponse<Buffer> stored = post(client, node.port(), WebhookRole.TRANSCRIPTION, turn);
    assertEquals(200, stored.statusCode(), stored.bodyAsString());
    assertEquals(1, count(schema, "SELECT count(*) FROM transcriptions"));
  }
}
