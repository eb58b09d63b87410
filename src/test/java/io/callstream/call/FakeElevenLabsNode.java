package io.callstream.call;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * A node on a fresh schema whose ElevenLabs API is a {@link FakeElevenLabs} in this JVM, with the
 * clients' own Vert.x and an API client. Start it in {@code @BeforeAll}, close it in
 * {@code @AfterAll}.
 */
record FakeElevenLabsNode(
    String schema, Vertx vertx, FakeElevenLabs fake, TestNodes nodes, Node node, ApiClient api)
    implements AutoCloseable {

  static FakeElevenLabsNode start(String schemaPrefix) {
    String schema = TestDatabase.freshSchema(schemaPrefix);
    Vertx vertx = Vertx.vertx();
    FakeElevenLabs fake = new FakeElevenLabs(vertx, schema).start();
    TestNodes nodes = new TestNodes();
    Node node = nodes.start(TestConfig.config(schema, settings(fake)));
    return new FakeElevenLabsNode(schema, vertx, fake, nodes, node, new ApiClient(vertx, node));
  }

  /** The node settings that point it at the fake. */
  static Map<String, String> settings(FakeElevenLabs fake) {
    return Map.of(
        "ELEVENLABS_API_URL",
        fake.url(),
        "ELEVENLABS_API_KEY",
        FakeElevenLabs.API_KEY,
        "ELEVENLABS_AGENT_ID",
        "agent_test",
        "ELEVENLABS_PHONE_NUMBER_ID",
        "phnum_test",
        "ELEVENLABS_API_TIMEOUT_MS",
        "3000");
  }

  @Override
  public void close() {
    nodes.close();
    fake.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }
}
