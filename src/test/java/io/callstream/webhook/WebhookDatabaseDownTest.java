package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.CALL_SID;
import static io.callstream.webhook.WebhookTestSupport.count;
import static io.callstream.webhook.WebhookTestSupport.fixture;
import static io.callstream.webhook.WebhookTestSupport.insertCall;
import static io.callstream.webhook.WebhookTestSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TcpProxy;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database cut mid-test: webhooks answer 503 with nothing stored, and the same delivery
 * succeeds later.
 */
class WebhookDatabaseDownTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("webhook_down");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  /**
   * Re-sends the delivery until it is answered with the status (the pool reconnects on its own).
   */
  private static HttpResponse<Buffer> awaitStatus(
      WebClient client, int port, String path, byte[] body, int status) {
    return Await.latest(
        () -> post(client, port, path, body), r -> r.statusCode() == status, Await.TIMEOUT);
  }

  @Test
  void databaseDownGives503ThenTheSameDeliverySucceeds() {
    TcpProxy proxy = new TcpProxy(vertx, "127.0.0.1", 5432);
    Await.result(proxy.up());
    String url = TestDatabase.URL.replace(":5432/", ":" + proxy.port() + "/");
    Node node = nodes.start(TestConfig.config(schema, Map.of("DATABASE_URL", url)));
    WebClient client = Http.client(vertx);
    long callId = insertCall(schema, CALL_SID, null, "in_progress");
    byte[] turn = fixture("transcription_turn.json");
    byte[] postCall = fixture("post_call_transcription.json");

    Await.result(proxy.down());
    for (String path : new String[] {WebhookRole.TRANSCRIPTION, WebhookRole.POST_CALL}) {
      HttpResponse<Buffer> down =
          post(client, node.port(), path, path.equals(WebhookRole.POST_CALL) ? postCall : turn);
      assertEquals(503, down.statusCode(), down.bodyAsString());
      assertEquals("error", down.bodyAsJsonObject().getString("status"));
    }
    assertEquals(0, count(schema, "SELECT count(*) FROM webhook_events"));
    assertEquals(0, count(schema, "SELECT count(*) FROM transcriptions"));

    Await.result(proxy.up());
    HttpResponse<Buffer> live =
        awaitStatus(client, node.port(), WebhookRole.TRANSCRIPTION, turn, 200);
    assertEquals(200, live.statusCode(), live.bodyAsString());
    assertEquals(1, live.bodyAsJsonObject().getInteger("sequence_number"));
    HttpResponse<Buffer> completed =
        awaitStatus(client, node.port(), WebhookRole.POST_CALL, postCall, 200);
    assertEquals(200, completed.statusCode(), completed.bodyAsString());
    assertEquals(
        "completed",
        TestDatabase.queryValue(schema, "SELECT status FROM calls WHERE id = " + callId));
    assertEquals(
        1, count(schema, "SELECT count(*) FROM webhook_events WHERE status = 'processed'"));
  }
}
