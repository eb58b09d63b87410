package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.TcpProxy;
import io.callstream.support.TestDatabase;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Defect 4, dashboards: while a subscription waits for PostgreSQL (here a gap repair, with the
 * database stalled behind a TcpProxy that holds every byte), the call's events are held for it, at
 * most {@link Subscription#MAX_PENDING}; one more closes the socket with 1013 (the client
 * reconnects with since) instead of holding a stalled database's backlog in memory. The same for a
 * fleet watch whose snapshot waits: its held frames are bounded by WS_MAX_QUEUE_BYTES (4096 here).
 */
class LiveStallTest {
  static TcpProxy proxy;

  /** The proxy's own Vert.x, closed after the node (registered first: its afterAll runs last). */
  static final Vertx proxyVertx = Vertx.vertx();

  @RegisterExtension
  static final AfterAllCallback closeProxy = context -> Await.result(proxyVertx.close());

  @RegisterExtension
  static final ClusterExtension live =
      ClusterExtension.oneNode("live_stall")
          .settings(
              () -> {
                proxy = new TcpProxy(proxyVertx, "127.0.0.1", 5432);
                Await.result(proxy.up());
                String url = TestDatabase.URL.replace(":5432/", ":" + proxy.port() + "/");
                return Map.of(
                    "DATABASE_URL",
                    url,
                    "RECONCILE_ENABLED",
                    "false",
                    "WS_MAX_QUEUE_BYTES",
                    "4096");
              });

  @AfterAll
  static void tearDown() {
    proxy.unstall();
  }

  @Test
  void eventsHeldDuringAStalledRepairAreBoundedAndTheSocketIsClosedWith1013() {
    Call call = CallFeed.newCall(live.node());
    TestSocket s =
        TestSocket.open(live.webSockets(), live.node().port(), Jwts.dispatcher(live.vertx()));
    s.subscribe(call.callSid(), 0);

    proxy.stall();
    try {
      // turn 2 without turn 1: the subscription repairs the gap from PostgreSQL, which does not
      // answer
      CallFeed.publishUnstored(live.node(), call, 2, "turn 2");
      for (int seq = 3; seq <= Subscription.MAX_PENDING + 2; seq++) {
        CallFeed.publishUnstored(live.node(), call, seq, "turn " + seq);
      }
      assertEquals(
          LiveSocket.SLOW_CONSUMER,
          s.awaitClose(),
          "closed with 1013 once the held events passed the bound");
    } finally {
      proxy.unstall();
    }
  }

  @Test
  void framesHeldForAStalledFleetSnapshotAreBoundedAndTheSocketIsClosedWith1013() {
    Call call = CallFeed.newCall(live.node());
    TestSocket s =
        TestSocket.open(live.webSockets(), live.node().port(), Jwts.dispatcher(live.vertx()));
    proxy.stall();
    try {
      // the watch's snapshot of active calls waits for PostgreSQL; lifecycle frames keep coming
      // meanwhile (about
      // 150 bytes each: some 30 pass the 4096-byte bound)
      s.send(new io.vertx.core.json.JsonObject().put("watch", "calls"));
      // (a burst per poll: the bound is reached long before the snapshot could give up)
      Await.until(
          "the watcher was closed",
          () -> {
            for (int i = 0; i < 10; i++) {
              CallFeed.probe(live.node(), call);
            }
            return s.closed.isDone();
          });
      assertEquals(LiveSocket.SLOW_CONSUMER, s.awaitClose());
    } finally {
      proxy.unstall();
    }
  }
}
