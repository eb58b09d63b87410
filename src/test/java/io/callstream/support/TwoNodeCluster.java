package io.callstream.support;

import io.callstream.app.Node;
import io.callstream.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Two clustered callstream nodes in this JVM on one fresh migrated schema, plus the clients' own
 * Vert.x and a dispatcher token. Start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
public final class TwoNodeCluster implements AutoCloseable {
  /** Whether a probe sent from one node reached the other (sends once, waits briefly, answers). */
  @FunctionalInterface
  public interface Route {
    boolean delivers(Node from, Node to);
  }

  public final String schema;
  public final Node a;
  public final Node b;

  /** The clients' Vert.x, apart from the nodes' (as a dashboard or ElevenLabs would be). */
  public final Vertx vertx;

  private final TestNodes nodes;

  private TwoNodeCluster(String schema, TestNodes nodes, List<Node> started) {
    this.schema = schema;
    this.nodes = nodes;
    this.a = started.get(0);
    this.b = started.get(1);
    this.vertx = Vertx.vertx();
  }

  /**
   * Starts both nodes (settings: TestConfig's, then the overrides) on a fresh schema named after
   * the prefix.
   */
  public static TwoNodeCluster start(String schemaPrefix, Map<String, String> overrides) {
    String schema = TestDatabase.freshSchema(schemaPrefix);
    TestNodes nodes = new TestNodes();
    return new TwoNodeCluster(schema, nodes, nodes.startCluster(schema, 2, overrides));
  }

  public List<Node> nodes() {
    return List.of(a, b);
  }

  /** A dispatcher's token, signed with the nodes' key. */
  public String token() {
    return new Tokens(vertx, a.config().auth()).issue("dispatcher1", "dispatcher");
  }

  /** An HTTP client for 127.0.0.1 with room for this many concurrent requests. */
  public WebClient http(int connections) {
    return Http.client(
        vertx,
        new WebClientOptions().setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /**
   * Waits until the route delivers both ways (a node learns the other's event-bus consumers only a
   * moment after they register): probes until one arrives.
   */
  public void awaitVisible(Route route) {
    awaitRoute(a, b, route);
    awaitRoute(b, a, route);
  }

  /** Waits until the route delivers from one node to the other. */
  public static void awaitRoute(Node from, Node to, Route route) {
    Await.until(
        "the event bus delivered from port " + from.port() + " to port " + to.port(),
        () -> route.delivers(from, to),
        Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
    nodes.close();
    TestDatabase.dropSchema(schema);
  }
}
