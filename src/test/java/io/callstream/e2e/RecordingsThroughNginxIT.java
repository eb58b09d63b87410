package io.callstream.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.auth.Tokens;
import io.callstream.support.Nginx;
import io.callstream.support.NodeProcess;
import io.callstream.support.Ports;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 3, as it was measured: two node processes from the built jar behind the
 * project's nginx, no AUDIO_DIR or any other audio setting. A post_call_audio posted through nginx
 * is served by each node directly and through nginx (whichever node it lands on), whole and by
 * range.
 */
class RecordingsThroughNginxIT {
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HttpResponse<byte[]> get(int port, String path, String token, String range) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30));
    if (range != null) {
      b.header("Range", range);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void aRecordingPostedThroughNginxIsServedByEveryNode() throws Exception {
    String schema = TestDatabase.freshSchema("audio_nginx");
    Vertx vertx = Vertx.vertx();
    List<NodeProcess> nodes = new ArrayList<>();
    int[] ports = {Ports.free(), Ports.free()};
    try (Nginx nginx = Nginx.start(List.of(ports[0], ports[1]))) {
      for (int i = 0; i < 2; i++) {
        Map<String, String> env = new HashMap<>(TestConfig.env(schema));
        env.put("HTTP_PORT", String.valueOf(ports[i]));
        env.put("HTTP_INSTANCES", "1");
        nodes.add(NodeProcess.start("audio-nginx-" + (i + 1), env));
      }
      for (NodeProcess n : nodes) {
        n.awaitStatus("/ready", 200, Duration.ofSeconds(90));
      }
      TestDatabase.queryValue(
          schema,
          "INSERT INTO calls (call_sid, conversation_id, status) VALUES "
              + "('EL_nginx_1', 'conv_nginx_1', 'completed') RETURNING 1");
      byte[] mp3 = new byte[2 * 1024 * 1024 + 3];
      new Random(19).nextBytes(mp3);
      byte[] body =
          new JsonObject()
              .put("type", "post_call_audio")
              .put("event_timestamp", 1795262415)
              .put(
                  "data",
                  new JsonObject()
                      .put("agent_id", "agent_x")
                      .put("conversation_id", "conv_nginx_1")
                      .put("full_audio", Base64.getEncoder().encodeToString(mp3)))
              .toBuffer()
              .getBytes();
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + nginx.port() + "/webhooks/elevenlabs/post-call"))
                  .header(
                      "ElevenLabs-Signature", WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
                  .header("Content-Type", "application/json")
                  .timeout(Duration.ofSeconds(60))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, posted.statusCode(), posted.body());

      String token =
          new Tokens(vertx, TestConfig.config(schema).auth())
              .issue("nginx-dispatcher", "dispatcher");
      List<Integer> targets =
          List.of(ports[0], ports[1], nginx.port(), nginx.port(), nginx.port(), nginx.port());
      for (int port : targets) {
        HttpResponse<byte[]> whole = get(port, "/calls/EL_nginx_1/audio", token, null);
        assertEquals(200, whole.statusCode(), "port " + port);
        assertArrayEquals(mp3, whole.body(), "port " + port);
        HttpResponse<byte[]> part =
            get(port, "/calls/conv_nginx_1/audio", token, "bytes=1000000-1100000");
        assertEquals(206, part.statusCode(), "port " + port);
        assertEquals(
            "bytes 1000000-1100000/" + mp3.length,
            part.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(mp3, 1_000_000, 1_100_001), part.body());
      }
    } finally {
      for (NodeProcess n : nodes) {
        n.close();
      }
      vertx.close();
      TestDatabase.dropSchema(schema);
    }
  }
}
