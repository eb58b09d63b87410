package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.TcpProxy;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Found by the soak (issue 19): a PostgreSQL restart closed dashboards with 1011 when their
 * subscription's or fleet watch's read failed. The reads are now tried again while the database is
 * unavailable (CatchUp, bounded), so the socket stays open and the answer comes once PostgreSQL is
 * back. The outage here: the database behind a TcpProxy that is taken down (connections refused,
 * open ones cut) and brought back.
 */
class LiveDatabaseOutageTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;
  static Vertx vertx;
  static TcpProxy proxy;
  static WebSocketClient client;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("live_outage");
    vertx = Vertx.vertx();
    proxy = new TcpProxy(vertx, "127.0.0.1", 5432);
    Await.result(proxy.up());
    String url = TestDatabase.URL.replace(":5432/", ":" + proxy.port() + "/");
    node =
        nodes.start(
            TestConfig.config(schema, Map.of("DATABASE_URL", url, "RECONCILE_ENABLED", "false")));
    client = TestSocket.client(vertx);
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  @Test
  void aSubscriptionAndAFleetWatchAskedDuringAnOutageAreAnsweredWhenTheDatabaseIsBack() {
    Call call = CallFeed.newCall(node);
    TestSocket s = TestSocket.open(client, node.port(), Jwts.dispatcher(vertx));
    Await.result(proxy.down());
    try {
      s.send(new JsonObject().put("subscribe", call.callSid()).put("since", 0));
      s.send(new JsonObject().put("watch", "calls"));
      // the node's own probe has seen the database gone, so the reads above have been tried and
      // refused by now
      Await.until("the node sees the database down", () -> !node.state().databaseAnswers());
      assertFalse(s.closed.isDone(), "the socket stays open while the database is away");
    } finally {
      Await.result(proxy.up());
    }
    JsonObject first = s.next();
    JsonObject second = s.next();
    assertEquals(
        Set.of("subscription_confirmed", "watch_confirmed"),
        Set.of(first.getString("type"), second.getString("type")),
        first + " " + second);
    assertFalse(s.closed.isDone(), "still open after the outage");
  }
}
