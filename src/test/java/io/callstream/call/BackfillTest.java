package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.EventRecorder;
import io.callstream.support.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backfill applies a conversation exactly like the post-call webhook: once, then unchanged with no
 * broadcast.
 */
class BackfillTest {
  static FakeElevenLabsNode fixture;
  static String schema;
  static FakeElevenLabs fake;
  static Node node;
  static ApiClient api;
  static EventRecorder events;

  @BeforeAll
  static void setUp() {
    fixture = FakeElevenLabsNode.start("backfill");
    schema = fixture.schema();
    fake = fixture.fake();
    node = fixture.node();
    api = fixture.api();
    events = EventRecorder.on(node);
  }

  @AfterAll
  static void tearDown() {
    events.close();
    fixture.close();
  }

  static long eventsOf(String type, String callSid) {
    return events.frames(callSid).stream().filter(e -> type.equals(e.getString("type"))).count();
  }

  @Test
  void fetchAppliesOnceThenIsUnchanged() {
    assertEquals(
        201,
        api.put(
                "/drivers/B-1",
                api.token("admin"),
                new JsonObject().put("name", "Marco").put("phone_number", "+15550000101"))
            .statusCode());
    HttpResponse<Buffer> started =
        api.post(
            "/driver_data/call-elevenlabs",
            api.token("dispatcher"),
            new JsonObject()
                .put("driver_ids", new JsonArray().add("B-1"))
                .put("violation_types", new JsonArray().add("speeding")));
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
    assertEquals(
        Instant.ofEpochSecond(ConversationFixture.START + ConversationFixture.DURATION),
        Instant.parse(call.getString("call_end_time")),
        "event time = start + duration");
    assertEquals("success", call.getJsonObject("analysis_data").getString("call_successful"));
    assertEquals(
        2L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM transcriptions t JOIN calls c "
                + "ON c.id = t.call_id WHERE c.call_sid = '"
                + sid
                + "' AND t.source = 'post_call'"));
    events.settle(node);
    assertEquals(1, eventsOf("call_completed", sid));

    HttpResponse<Buffer> second = api.get("/conversations/" + conv + "/fetch", token);
    assertEquals(200, second.statusCode());
    assertEquals("unchanged", second.bodyAsJsonObject().getString("outcome"));
    assertEquals("completed", second.bodyAsJsonObject().getJsonObject("call").getString("status"));
    events.settle(node);
    assertEquals(1, eventsOf("call_completed", sid), "an unchanged backfill broadcasts nothing");
    assertEquals(
        2L,
        TestDatabase.queryValue(
            schema,
            "SELECT count(*) FROM transcriptions t JOIN calls c "
                + "ON c.id = t.call_id WHERE c.call_sid = '"
                + sid
                + "'"));
  }

  @Test
  void aConversationForNoKnownCallIs404() {
    fake.conversation(
        "conv_orphan", ConversationFixture.conversation("conv_orphan", "EL_nobody_1"));
    HttpResponse<Buffer> r =
        api.post("/conversations/conv_orphan/fetch", api.token("dispatcher"), null);
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertTrue(ApiClient.error(r).contains("callstream knows no call"), r.bodyAsString());
  }
}
