package io.callstream.support;

import io.callstream.app.Node;
import io.callstream.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up every node test class shares, as one JUnit 5 extension: a fresh migrated schema, real
 * callstream nodes on it (two clustered, one standalone, or none yet), the clients' own Vert.x
 * (apart from the nodes', as a dashboard's would be) with a WebSocket client, and a dispatcher's
 * token. Register it on a static field:
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final ClusterExtension cluster = ClusterExtension.twoNodes("livefeed").settings(Map.of(...));
 * </pre>
 *
 * Everything starts before the class's {@code @BeforeAll} methods and is closed after its
 * {@code @AfterAll} methods (nodes shut down, the clients' Vert.x closed, the schema dropped).
 * {@link #ready} runs once everything is up, e.g. to wait until the event bus delivers both ways;
 * {@link #starter()} starts more nodes on the schema.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private final String schemaPrefix;
  private final int count;
  private Supplier<Map<String, String>> settings = Map::of;
  private Consumer<ClusterExtension> ready = c -> {};

  private String schema;
  private TestNodes nodes;
  private List<Node> started = List.of();
  private Vertx vertx;
  private WebSocketClient webSockets;
  private String token;

  private ClusterExtension(String schemaPrefix, int count) {
    this.schemaPrefix = schemaPrefix;
    this.count = count;
  }

  /** Two clustered nodes (Hazelcast on free loopback ports). */
  public static ClusterExtension twoNodes(String schemaPrefix) {
    return new ClusterExtension(schemaPrefix, 2);
  }

  /** One standalone node. */
  public static ClusterExtension oneNode(String schemaPrefix) {
    return new ClusterExtension(schemaPrefix, 1);
  }

  /** The schema, clients and token only: the tests start their nodes with {@link #starter()}. */
  public static ClusterExtension noNodes(String schemaPrefix) {
    return new ClusterExtension(schemaPrefix, 0);
  }

  /** Settings over TestConfig's, for every node started by the extension. */
  public ClusterExtension settings(Map<String, String> overrides) {
    return settings(() -> overrides);
  }

  /**
   * Settings computed when the nodes start (e.g. from a proxy or certificates made in a static
   * initialiser).
   */
  public ClusterExtension settings(Supplier<Map<String, String>> overrides) {
    this.settings = overrides;
    return this;
  }

  /** Runs once the nodes and clients are up, before the class's {@code @BeforeAll} methods. */
  public ClusterExtension ready(Consumer<ClusterExtension> ready) {
    this.ready = ready;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    schema = TestDatabase.freshSchema(schemaPrefix);
    nodes = new TestNodes();
    vertx = Vertx.vertx();
    webSockets =
        vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
    Map<String, String> overrides = settings.get();
    token =
        new Tokens(vertx, TestConfig.config(schema, overrides).auth())
            .issue("dispatcher1", "dispatcher");
    if (count == 1) {
      started = List.of(nodes.start(TestConfig.config(schema, overrides)));
    } else if (count > 1) {
      started = nodes.startCluster(schema, count, overrides);
    }
    ready.accept(this);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (vertx != null) {
      Await.result(vertx.close());
    }
    if (nodes != null) {
      nodes.close();
    }
    if (schema != null) {
      TestDatabase.dropSchema(schema);
    }
  }

  public String schema() {
    return schema;
  }

  /** The nodes the extension started, in start order. */
  public List<Node> nodes() {
    return started;
  }

  /** The first node. */
  public Node a() {
    return started.get(0);
  }

  /** The node of {@link #oneNode}. */
  public Node node() {
    return a();
  }

  public Node b() {
    return started.get(1);
  }

  /** Starts further nodes on the same schema; they are shut down with the others. */
  public TestNodes starter() {
    return nodes;
  }

  /** The clients' Vert.x. */
  public Vertx vertx() {
    return vertx;
  }

  /** A WebSocket client on the clients' Vert.x (up to 10,000 connections). */
  public WebSocketClient webSockets() {
    return webSockets;
  }

  /** A dispatcher's token (user dispatcher1), signed with the nodes' key. */
  public String token() {
    return token;
  }

  /**
   * Waits until the route delivers both ways between the two nodes (see {@link
   * TwoNodeCluster#awaitRoute}).
   */
  public void awaitVisible(TwoNodeCluster.Route route) {
    TwoNodeCluster.awaitRoute(a(), b(), route);
    TwoNodeCluster.awaitRoute(b(), a(), route);
  }
}
