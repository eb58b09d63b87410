package io.callstream.webhook;

import static io.callstream.webhook.WebhookTestSupport.bytes;
import static io.callstream.webhook.WebhookTestSupport.postWithHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.config.Config;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.callstream.support.WebhookSigner;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotating the ElevenLabs webhook secret without downtime: while ELEVENLABS_WEBHOOK_SECRET lists
 * the new and the old secret, bodies signed with either are accepted; once the old one is removed,
 * its signatures are refused.
 */
class WebhookSecretRotationTest {
  static final String OLD = "whsec_old_secret";
  static final String NEW = "whsec_new_secret";
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Vertx clientVertx;
  static WebClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("whrotate");
    clientVertx = Vertx.vertx();
    client = Http.client(clientVertx);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(clientVertx.close());
    TestDatabase.dropSchema(schema);
  }

  /** A body of a type callstream keeps but does not apply: 200 once its signature is accepted. */
  static int post(Node node, String secret, String marker) {
    byte[] body =
        bytes(
            "{\"type\":\"rotation_probe\",\"event_timestamp\":1,\"data\":{\"n\":\""
                + marker
                + "\"}}");
    return postWithHeader(
            client,
            node.port(),
            WebhookRole.POST_CALL,
            body,
            SignatureVerifier.HEADER,
            WebhookSigner.sign(body, secret))
        .statusCode();
  }

  @Test
  void bothSecretsVerifyDuringTheRotationAndTheOldOneIsRefusedAfter() {
    Node before = nodes.start(TestConfig.config(schema, Map.of("ELEVENLABS_WEBHOOK_SECRET", OLD)));
    assertEquals(200, post(before, OLD, "before-old"));
    assertEquals(401, post(before, NEW, "before-new"));

    Config rotating =
        TestConfig.config(schema, Map.of("ELEVENLABS_WEBHOOK_SECRET", NEW + ", " + OLD));
    assertEquals(List.of(NEW, OLD), rotating.webhooks().secrets());
    assertEquals(NEW, rotating.webhooks().signingSecret(), "the simulator signs with the first");
    Node during = nodes.start(rotating);
    assertEquals(200, post(during, OLD, "during-old"));
    assertEquals(200, post(during, NEW, "during-new"));
    assertEquals(401, post(during, "whsec_some_other", "during-other"));

    Node after = nodes.start(TestConfig.config(schema, Map.of("ELEVENLABS_WEBHOOK_SECRET", NEW)));
    assertEquals(401, post(after, OLD, "after-old"));
    assertEquals(200, post(after, NEW, "after-new"));
    assertEquals(4L, TestDatabase.queryValue(schema, "SELECT count(*) FROM webhook_events"));
  }
}
