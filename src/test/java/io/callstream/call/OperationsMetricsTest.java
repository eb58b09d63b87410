package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.WebhookSigner;
import io.callstream.webhook.WebhookRole;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's "done when": after one call start and one post-call webhook, /metrics shows the
 * webhook and call metrics; the call keeps its violation types and who started it (issue 14).
 */
class OperationsMetricsTest {
  /**
   * The bound on the scrape after this test's traffic (issue 19: 5,034 lines here before, 519
   * after).
   */
  static final long MAX_SCRAPE_LINES = 800;

  static FakeElevenLabsNode fixture;

  @BeforeAll
  static void setUp() {
    fixture = FakeElevenLabsNode.start("opsmetrics");
    assertEquals(
        201,
        fixture
            .api()
            .put(
                "/drivers/D-7",
                fixture.api().token("admin"),
                new JsonObject().put("name", "Marco").put("phone_number", "+15550000007"))
            .statusCode());
  }

  @AfterAll
  static void tearDown() {
    fixture.close();
  }

  @Test
  void oneCallAndOneWebhookShowUpInMetrics() {
    HttpResponse<Buffer> started =
        fixture
            .api()
            .post(
                "/driver_data/call-elevenlabs",
                fixture.api().token("dispatcher"),
                new JsonObject()
                    .put("driver_ids", new JsonArray().add("D-7"))
                    .put("violation_types", new JsonArray().add("speeding")));
    assertEquals(200, started.statusCode(), started.bodyAsString());
    JsonObject result = started.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    String callSid = result.getString("call_sid");
    String conversationId = result.getString("conversation_id");

    JsonObject call =
        fixture
            .api()
            .get("/calls/" + callSid, fixture.api().token("dispatcher"))
            .bodyAsJsonObject();
    assertEquals(new JsonArray().add("speeding"), call.getJsonArray("violation_types"));
    assertEquals("test-dispatcher", call.getString("started_by"));

    JsonObject body =
        new JsonObject()
            .put("type", "post_call_transcription")
            .put("event_timestamp", 1795262410L)
            .put(
                "data",
                new JsonObject()
                    .put("conversation_id", conversationId)
                    .put("status", "done")
                    .put(
                        "metadata", new JsonObject().put("call_duration_secs", 42).put("cost", 321))
                    .put(
                        "analysis",
                        new JsonObject()
                            .put("call_successful", "success")
                            .put("transcript_summary", "ok")));
    byte[] bytes = body.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    WebClient client = Http.client(fixture.vertx());
    HttpResponse<Buffer> hook =
        Await.result(
            client
                .post(fixture.node().port(), "127.0.0.1", WebhookRole.POST_CALL)
                .putHeader(
                    "ElevenLabs-Signature", WebhookSigner.sign(bytes, TestConfig.WEBHOOK_SECRET))
                .sendBuffer(Buffer.buffer(bytes)));
    assertEquals(200, hook.statusCode(), hook.bodyAsString());

    String metrics =
        Await.result(client.get(fixture.node().port(), "127.0.0.1", "/metrics").send())
            .bodyAsString();
    assertMetric(
        metrics,
        "callstream_webhooks_total\\{endpoint=\"post_call\",outcome=\"applied\","
            + "type=\"post_call_transcription\"\\} 1(\\.0)?");
    assertMetric(
        metrics, "callstream_webhook_duration_seconds_count\\{endpoint=\"post_call\"\\} 1(\\.0)?");
    assertMetric(metrics, "callstream_calls_started_total\\{outcome=\"dialled\"\\} 1(\\.0)?");
    assertMetric(
        metrics,
        "callstream_calls_finished_total\\{reason=\"none\",status=\"completed\"\\} 1(\\.0)?");
    assertMetric(metrics, "callstream_calls_success_total\\{successful=\"true\"\\} 1(\\.0)?");
    assertMetric(metrics, "callstream_call_duration_seconds_sum 42(\\.0)?");
    assertMetric(metrics, "callstream_call_cost_credits_sum 321(\\.0)?");
    assertMetric(
        metrics,
        "callstream_elevenlabs_requests_total\\{endpoint=\"outbound_call\",outcome=\"ok\"\\} 1(\\.0)?");
    assertTrue(
        metrics.contains("vertx_http_server_requests_total{")
            && metrics.contains("route=\"/calls/:id\""),
        "HTTP metrics carry the route template");
    // issue 19, defect 9: the whole scrape after this traffic was 10,300 lines (percentile
    // histograms per method)
    long lines = metrics.lines().count();
    System.out.println("metrics: /metrics lines after the ops traffic " + lines);
    assertTrue(
        lines <= MAX_SCRAPE_LINES,
        "/metrics has " + lines + " lines, more than " + MAX_SCRAPE_LINES);
    client.close();
  }

  private static void assertMetric(String metrics, String regex) {
    assertTrue(
        Pattern.compile("(?m)^" + regex + "$").matcher(metrics).find(),
        regex
            + " not in\n"
            + metrics
                .lines()
                .filter(l -> l.startsWith("callstream_"))
                .reduce("", (a, b) -> a + b + "\n"));
  }
}
