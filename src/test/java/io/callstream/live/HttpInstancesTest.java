package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP_INSTANCES=4 on one node: dashboards spread over the four verticle instances (each with its
 * own local subscriptions), webhooks arrive on many connections, and every subscriber gets every
 * event exactly once.
 */
@ExtendWith(VertxExtension.class)
class HttpInstancesTest {
  @RegisterExtension static final ClusterExtension live = ClusterExtension.noNodes("instances");
  static final int SOCKETS = 16;
  static final int TURNS = 30;

  @Test
  void fourInstancesShareTheWorkAndDeliverEveryEventOnce(Vertx vertx) {
    Node node =
        live.starter().start(TestConfig.config(live.schema(), Map.of("HTTP_INSTANCES", "4")));
    Call call = CallFeed.newCall(node);
    WebSocketClient wsClient = TestSocket.client(vertx);
    String token = Jwts.dispatcher(vertx);
    List<TestSocket> sockets = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      TestSocket s = TestSocket.open(wsClient, node.port(), token);
      s.subscribe(call.callSid(), null);
      sockets.add(s);
    }

    String metrics =
        Await.result(Http.client(vertx).get(node.port(), "127.0.0.1", "/metrics").send())
            .bodyAsString();
    Matcher m =
        Pattern.compile("callstream_ws_instance_sockets\\{instance=\"([^\"]+)\",?\\} (\\d+)")
            .matcher(metrics);
    int busyInstances = 0;
    int counted = 0;
    while (m.find()) {
      int n = (int) Double.parseDouble(m.group(2));
      busyInstances += n > 0 ? 1 : 0;
      counted += n;
    }
    assertEquals(SOCKETS, counted, metrics);
    assertTrue(busyInstances >= 3, "sockets spread over the instances: " + busyInstances);

    // webhooks on separate connections (no keep-alive), so they land on different instances too
    WebClient webhooks =
        Http.client(vertx, new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(false));
    for (int t = 1; t <= TURNS; t++) {
      String body =
          new JsonObject()
              .put("call_sid", call.callSid())
              .put("speaker", "agent")
              .put("message", "turn " + t)
              .put("timestamp", 1_795_262_400L + t)
              .encode();
      var r =
          Await.result(
              webhooks
                  .post(node.port(), "127.0.0.1", "/webhooks/elevenlabs/transcription")
                  .putHeader(
                      "ElevenLabs-Signature", WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
                  .sendBuffer(Buffer.buffer(body)));
      assertEquals(200, r.statusCode(), r.bodyAsString());
    }
    for (TestSocket s : sockets) {
      List<Integer> seqs = new ArrayList<>();
      while (seqs.size() < TURNS) {
        JsonObject f = s.next();
        if ("transcription".equals(f.getString("type"))) {
          seqs.add(f.getInteger("sequence_number"));
        }
      }
      assertEquals(java.util.stream.IntStream.rangeClosed(1, TURNS).boxed().toList(), seqs);
    }
    // and nothing more: a marker turn is the very next transcription each socket sees
    String marker =
        new JsonObject()
            .put("call_sid", call.callSid())
            .put("speaker", "user")
            .put("message", "marker")
            .put("timestamp", 1_795_262_999L)
            .encode();
    Await.result(
        webhooks
            .post(node.port(), "127.0.0.1", "/webhooks/elevenlabs/transcription")
            .putHeader(
                "ElevenLabs-Signature", WebhookSigner.sign(marker, TestConfig.WEBHOOK_SECRET))
            .sendBuffer(Buffer.buffer(marker)));
    for (TestSocket s : sockets) {
      JsonObject f = s.next();
      while (!"transcription".equals(f.getString("type"))) {
        f = s.next();
      }
      assertEquals(TURNS + 1, f.getInteger("sequence_number"));
    }
    sockets.forEach(TestSocket::close);
  }
}
