package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.api.ApiClient;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Backfill applies a conversation exactly like the post-call webhook: once, then unchanged with no broadcast. */
class BackfillTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx vertx;
  static FakeElevenLabs fake;
  static Node node;
  static ApiClient api;
  static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("backfill");
    vertx = Vertx.vertx();
    fake = new FakeElevenLabs(vertx, schema).start();
    node = nodes.start(TestConfig.config(schema, CallStartTest.elevenLabsSettings(fake)));
    api = new ApiClient(vertx, node);
    TestNodes.await(node.vertx().eventBus().<String>consumer(CallEvents.ADDRESS,
        m -> events.add(new JsonObject(m.body()))).completion());
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    fake.close();
    TestNodes.await(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  /** Waits until a marker published after everything else has arrived, so the event list is complete. */
  static void settle() {
    String marker = "marker-" + System.nanoTime();
    CallEvents.publish(node.vertx().eventBus(), new CallStatusEvent(-1, marker, null, "marker", Instant.now()));
    long deadline = System.currentTimeMillis() + 15_000;
    while (events.stream().noneMatch(e -> marker.equals(e.getString("call_sid")))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("marker never arrived");
      }
      TestNodes.await(Future.future(p -> vertx.setTimer(20, t -> p.complete())));
    }
  }

  static long eventsOf(String type, String callSid) {
    return events.stream().filter(e -> type.equals(e.getString("type")) && callSid.equals(e.getString("call_sid")))
        .count();
  }

  @Test
  void fetchAppliesOnceThenIsUnchanged() {
    assertEquals(201, api.put("/drivers/B-1", api.token("admin"),
        new JsonObject().put("name", "Marco").put("phone_number", "+15550000101")).statusCode());
    HttpResponse<Buffer> started = api.post("/driver_data/call-elevenlabs", api.token("dispatcher"), new JsonObject()
        .put("driver_ids", new JsonArray().add("B-1")).put("violation_types", new JsonArray().add("speeding")));
    JsonObject result = started.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    String sid = result.getString("call_sid");
    String conv = result.getString("conversation_id");
    assertEquals("in_progress", result.getString("status"), result.encode());
    fake.conversation(conv, ConversationFixture.conversation(conv, sid));

    String token = api.token("dispatcher");
    HttpResponse<Buffer> first = api.post("/conversations/" + conv + "/fetch", token, null);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals("applied", first.bodyAsJsonObject().getString("outcome"));
    JsonObject call = first.bodyAsJsonObject().getJsonObject("call");
    assertEquals(sid, call.getString("call_sid"));
    assertEquals("completed", call.getString("status"));
    assertEquals("Driver explained the hidden sign.", call.getString("transcript_summary"));
    assertEquals(Instant.ofEpochSecond(ConversationFixture.START + ConversationFixture.DURATION),
        Instant.parse(call.getString("call_end_time")), "event time = start + duration");
    assertEquals("success", call.getJsonObject("analysis_data").getString("call_successful"));
    assertEquals(2L, TestDatabase.queryValue(schema, "SELECT count(*) FROM transcriptions t JOIN calls c "
        + "ON c.id = t.call_id WHERE c.call_sid = '" + sid + "' AND t.source = 'post_call'"));
    settle();
    assertEquals(1, eventsOf("call_completed", sid));

    HttpResponse<Buffer> second = api.get("/conversations/" + conv + "/fetch", token);
    assertEquals(200, second.statusCode());
    assertEquals("unchanged", second.bodyAsJsonObject().getString("outcome"));
    assertEquals("completed", second.bodyAsJsonObject().getJsonObject("call").getString("status"));
    settle();
    assertEquals(1, eventsOf("call_completed", sid), "an unchanged backfill broadcasts nothing");
    assertEquals(2L, TestDatabase.queryValue(schema, "SELECT count(*) FROM transcriptions t JOIN calls c "
        + "ON c.id = t.call_id WHERE c.call_sid = '" + sid + "'"));
  }

  @Test
  void aConversationForNoKnownCallIs404() {
    fake.conversation("conv_orphan", ConversationFixture.conversation("conv_orphan", "EL_nobody_1"));
    HttpResponse<Buffer> r = api.post("/conversations/conv_orphan/fetch", api.token("dispatcher"), null);
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertTrue(ApiClient.error(r).contains("callstream knows no call"), r.bodyAsString());
  }
}
