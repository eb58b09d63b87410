package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.CONVERSATION_ID;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static io.callstream.webhook.WebhookTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.CliRun;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code inbox list --failed} and {@code inbox retry}: a post-call body that failed (a database
 * trigger refuses the call's update) is kept as failed; once the cause is gone, a retry applies the
 * stored bytes through the webhook's own path and marks the row processed.
 */
class InboxCommandTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx clientVertx;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("inboxcli");
    node = nodes.start(TestConfig.config(schema));
    clientVertx = Vertx.vertx();
    client = Http.client(clientVertx);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(clientVertx.close());
    TestDatabase.dropSchema(schema);
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", TestDatabase.URL);
    env.put("DB_SCHEMA", schema);
    return env;
  }

  @Test
  void aFailedRowIsListedAndAppliedByARetryOnceItsCauseIsFixed() {
    insertCall(schema, CALL_SID, CONVERSATION_ID, "in_progress");
    TestDatabase.execute(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS "
            + "$$ BEGIN RAISE EXCEPTION 'calls are read-only today'; END $$");
    TestDatabase.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON "
            + schema
            + ".calls "
            + "FOR EACH ROW EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    assertEquals(
        500,
        post(client, node.port(), WebhookRole.POST_CALL, fixture("post_call_transcription.json"))
            .statusCode());
    long id =
        ((Number)
                TestDatabase.queryValue(
                    schema,
                    "SELECT id FROM webhook_events WHERE status = 'failed' "
                        + "AND conversation_id = '"
                        + CONVERSATION_ID
                        + "'"))
            .longValue();

    CliRun list = CliRun.run(env(), "inbox", "list", "--failed");
    assertEquals(0, list.code(), list.toString());
    assertTrue(
        list.out()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith(id + " ")
                        && l.contains("failed")
                        && l.contains("calls are read-only today")),
        list.out());

    // the cause is still there: the retry fails again, counted, and says so
    CliRun again = CliRun.run(env(), "inbox", "retry", String.valueOf(id));
    assertEquals(1, again.code(), again.toString());
    assertEquals(1, again.errorLines().size(), again.toString());
    assertEquals(
        "failed 2",
        TestDatabase.queryValue(
            schema, "SELECT status || ' ' || attempts FROM webhook_events WHERE id = " + id));

    TestDatabase.execute("DROP TRIGGER refuse ON " + schema + ".calls");
    CliRun retried = CliRun.run(env(), "inbox", "retry", String.valueOf(id));
    assertEquals(0, retried.code(), retried.toString());
    assertTrue(retried.out().contains("inbox row " + id + ": applied"), retried.out());
    assertEquals(
        "processed",
        TestDatabase.queryValue(schema, "SELECT status FROM webhook_events WHERE id = " + id));
    assertEquals(
        "completed",
        TestDatabase.queryValue(
            schema, "SELECT status FROM calls WHERE call_sid = '" + CALL_SID + "'"));
    assertTrue(
        ((Number) TestDatabase.queryValue(schema, "SELECT count(*) FROM transcriptions"))
                .longValue()
            > 0);
    // nothing was announced (the command is no cluster member): a redelivery of the bytes will
    // announce the end
    assertNull(
        TestDatabase.queryValue(
            schema, "SELECT published_at FROM webhook_events WHERE id = " + id));
    assertEquals(1L, TestDatabase.queryValue(schema, "SELECT count(*) FROM webhook_events"));

    CliRun none = CliRun.run(env(), "inbox", "retry", "--all-failed");
    assertEquals(1, none.code(), none.toString());
    assertEquals(List.of("callstream: no failed rows"), none.errorLines());
    // the command's own Vert.x closes cleanly (closing it from its event loop once left a stack
    // trace and a wait)
    for (CliRun r : List.of(again, retried, none)) {
      assertFalse(r.err().contains("Exception"), r.toString());
    }
    assertEquals(2, CliRun.run(env(), "inbox", "retry").code());
    assertEquals(2, CliRun.run(env(), "inbox", "retry", "7", "--all-failed").code());
  }
}
