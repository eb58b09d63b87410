package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backfill answers that do not depend on applying: 404 / 502 from ElevenLabs, 409 unfinished, 400
 * bad id.
 */
class BackfillErrorsTest {
  static FakeElevenLabsNode fixture;
  static FakeElevenLabs fake;
  static ApiClient api;

  @BeforeAll
  static void setUp() {
    fixture = FakeElevenLabsNode.start("backfillerr");
    fake = fixture.fake();
    api = fixture.api();
  }

  @AfterAll
  static void tearDown() {
    fixture.close();
  }

  @Test
  void elevenLabsErrorsMapTo404And502() {
    String token = api.token("dispatcher");
    HttpResponse<Buffer> unknown = api.post("/conversations/conv_unknown/fetch", token, null);
    assertEquals(404, unknown.statusCode(), unknown.bodyAsString());
    assertTrue(ApiClient.error(unknown).contains("ElevenLabs"), unknown.bodyAsString());
    assertTrue(fake.conversationRequests().contains("conv_unknown"), "ElevenLabs was asked");

    fake.failConversation("conv_broken", 500);
    HttpResponse<Buffer> broken = api.get("/conversations/conv_broken/fetch", token);
    assertEquals(502, broken.statusCode());
    assertTrue(
        ApiClient.error(broken).contains("upstream trouble"),
        "carries the upstream body: " + broken.bodyAsString());

    fake.failConversation("conv_forbidden", 401);
    assertEquals(502, api.get("/conversations/conv_forbidden/fetch", token).statusCode());

    fake.conversation(
        "conv_running",
        new JsonObject().put("conversation_id", "conv_running").put("status", "in-progress"));
    HttpResponse<Buffer> running = api.post("/conversations/conv_running/fetch", token, null);
    assertEquals(409, running.statusCode());
    assertTrue(ApiClient.error(running).contains("not finished"), running.bodyAsString());

    int asked = fake.conversationRequests().size();
    assertEquals(400, api.get("/conversations/bad$id/fetch", token).statusCode());
    assertEquals(400, api.get("/conversations/" + "c".repeat(129) + "/fetch", token).statusCode());
    assertEquals(asked, fake.conversationRequests().size(), "invalid ids never reach ElevenLabs");
  }
}
