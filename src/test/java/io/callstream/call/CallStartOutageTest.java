package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TcpProxy;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Found by the soak: PostgreSQL went away while ElevenLabs was dialling, the write of the
 * conversation id failed at once, and the call was reported "internal error" although the driver's
 * phone rang; its call_initiation_failure webhook could never be matched and stayed parked. The
 * write after the dial is now tried again while the database is unavailable.
 */
class CallStartOutageTest {
  static final String PHONE = "+15550000101";
  static String schema;
  static Vertx vertx;
  static TcpProxy proxy;
  static FakeElevenLabs fake;
  static final TestNodes nodes = new TestNodes();
  static ApiClient api;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("call_outage");
    vertx = Vertx.vertx();
    proxy = new TcpProxy(vertx, "127.0.0.1", 5432);
    Await.result(proxy.up());
    fake = new FakeElevenLabs(vertx, schema).start();
    Map<String, String> settings = new HashMap<>(FakeElevenLabsNode.settings(fake));
    settings.put("DATABASE_URL", TestDatabase.URL.replace(":5432/", ":" + proxy.port() + "/"));
    settings.put("RECONCILE_ENABLED", "false");
    Node node = nodes.start(TestConfig.config(schema, settings));
    api = new ApiClient(vertx, node);
    assertEquals(
        201,
        api.put(
                "/drivers/D-out",
                api.token("admin"),
                new JsonObject().put("name", "Otto").put("phone_number", PHONE))
            .statusCode());
  }

  @AfterAll
  static void tearDown() {
    proxy.admit();
    nodes.close();
    fake.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  @Test
  void theConversationIdIsStoredWhenTheDatabaseComesBackAfterTheDial() {
    // the database goes away while ElevenLabs answers the dial; it comes back once the node has
    // tried it (and been refused) at least once
    fake.beforeAnswer(PHONE, proxy::refuse);
    var answer =
        vertx.executeBlocking(
            () ->
                api.post(
                    "/driver_data/call-elevenlabs",
                    api.token("dispatcher"),
                    new JsonObject()
                        .put("driver_ids", List.of("D-out"))
                        .put("violation_types", List.of("speeding"))));
    Await.until("the node tried the database after the dial", () -> proxy.refused() > 0);
    proxy.admit();
    HttpResponse<Buffer> r = Await.result(answer);

    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject result = r.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertEquals("in_progress", result.getString("status"), result.encode());
    String sid = result.getString("call_sid");
    assertEquals(FakeElevenLabs.conversationIdFor(sid), result.getString("conversation_id"));
    assertEquals(
        FakeElevenLabs.conversationIdFor(sid),
        TestDatabase.queryValue(
            schema, "SELECT conversation_id FROM calls WHERE call_sid = '" + sid + "'"),
        "the conversation id is stored, so its webhooks find the call");
    assertTrue(fake.dials().size() == 1, "dialled exactly once");
  }
}
