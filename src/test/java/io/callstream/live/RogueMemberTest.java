package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.Call;
import io.callstream.cluster.ClusterSetup;
import io.callstream.config.Config;
import io.callstream.events.CallCompletedEvent;
import io.callstream.events.CallEvents;
import io.callstream.events.TranscriptionEvent;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.Ports;
import io.callstream.support.TestCerts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, finding 1: two callstream nodes with the event bus's mutual TLS, and two rogue
 * processes with the same Hazelcast settings, one with a plain event bus and one with TLS and a
 * certificate from another CA (trusting any server). Both rogues become Hazelcast members
 * (Hazelcast's open-source edition does not authenticate members), but no event reaches them and
 * nothing they publish reaches a dashboard.
 */
class RogueMemberTest {
  /** Vert.x logs this (WARN) when a node cannot open its event-bus connection to another member. */
  private static final Logger BUS_LOG =
      Logger.getLogger("io.vertx.core.eventbus.impl.clustered.ClusteredEventBus");

  static final TestCerts certs = TestCerts.generate();
  static final TestCerts foreignCerts = TestCerts.generate();

  /** Registered first, so it runs after the nodes were shut down. */
  @RegisterExtension
  static final AfterAllCallback deleteCerts =
      context -> {
        certs.delete();
        foreignCerts.delete();
      };

  @RegisterExtension static final ClusterExtension cluster = LiveCluster.twoNodes("rogue", tls());
  static final List<Rogue> rogues = new ArrayList<>();
  static final BlockingQueue<String> unreachable = new LinkedBlockingQueue<>();
  static final Handler unreachableHandler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          String m = r.getMessage();
          if (m != null && m.startsWith("Connecting to server ") && m.endsWith(" failed")) {
            unreachable.add(
                m.substring("Connecting to server ".length(), m.length() - " failed".length()));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private static Map<String, String> tls() {
    Map<String, String> tls = new HashMap<>(certs.settings());
    tls.put("HTTP_INSTANCES", "1");
    return tls;
  }

  /**
   * A clustered Vert.x that is not a callstream node, and what it received on the call-events
   * address.
   */
  record Rogue(
      String name,
      Vertx vertx,
      HazelcastClusterManager hazelcast,
      BlockingQueue<String> received) {}

  @BeforeAll
  static void setUp() {
    BUS_LOG.addHandler(unreachableHandler);
    rogues.add(rogue("plain", new EventBusOptions()));
    rogues.add(
        rogue(
            "foreign-ca",
            new EventBusOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setClientAuth(ClientAuth.NONE)
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(foreignCerts.cert().toString())
                        .setKeyPath(foreignCerts.key().toString()))));
  }

  private static Rogue rogue(String name, EventBusOptions bus) {
    List<String> members =
        cluster.nodes().stream().map(n -> "127.0.0.1:" + n.config().cluster().port()).toList();
    // the Hazelcast settings of a callstream node: same cluster name, same join list
    Config.Cluster settings = new Config.Cluster(true, "127.0.0.1", Ports.free(), members, null, 5);
    HazelcastClusterManager hazelcast = ClusterSetup.clusterManager(settings);
    Vertx v =
        Await.result(
            Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(bus.setHost("127.0.0.1").setPort(0)))
                .withClusterManager(hazelcast)
                .buildClustered());
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    // a publish is also delivered to the publisher's own consumers: the rogue's own forgeries do
    // not count
    Await.result(
        CallEvents.consume(
                v.eventBus(),
                e -> {
                  if (!e.frame().contains(forgery(name))) {
                    received.add(e.frame());
                  }
                },
                received::add)
            .completion());
    return new Rogue(name, v, hazelcast, received);
  }

  private static TranscriptionEvent forgedTurn(Call call, int sequence, String rogue) {
    return new TranscriptionEvent(
        call.id(),
        call.callSid(),
        call.conversationId(),
        sequence,
        sequence,
        "agent",
        forgery(rogue),
        Instant.now());
  }

  private static String forgery(String rogue) {
    return "FORGED by " + rogue;
  }

  @AfterAll
  static void tearDown() {
    BUS_LOG.removeHandler(unreachableHandler);
    rogues.forEach(r -> Await.result(r.vertx().close()));
  }

  @Test
  void aMemberWithoutTheClusterCertificateGetsNoEventAndForgesNone() throws InterruptedException {
    // the rogues are members: the open-source Hazelcast does not authenticate a joining process
    for (Rogue r : rogues) {
      awaitMembers(r.name(), () -> r.hazelcast().getNodes().size(), 4);
    }
    awaitMembers("node A", () -> cluster.a().state().clusterSize(), 4);

    Call call = CallFeed.newCall(cluster.a());
    TestSocket onB = TestSocket.open(cluster.webSockets(), cluster.b().port(), cluster.token());
    onB.subscribe(call.callSid(), null);
    TestSocket onA = TestSocket.open(cluster.webSockets(), cluster.a().port(), cluster.token());
    onA.subscribe(call.callSid(), null);

    // forged frames first: a turn with the next sequence number and a completion that would end the
    // feed
    for (Rogue r : rogues) {
      CallEvents.publish(r.vertx().eventBus(), forgedTurn(call, 1, r.name()));
      // and one as a batch, the webhook nodes' way of publishing turns
      CallEvents.publishBatch(r.vertx().eventBus(), List.of(forgedTurn(call, 2, r.name())));
      CallEvents.publish(
          r.vertx().eventBus(),
          new CallCompletedEvent(
              call.id(),
              call.callSid(),
              call.conversationId(),
              new JsonObject().put("status", "completed").put("note", forgery(r.name())),
              1));
    }

    // legit events from A reach the dashboards, until A has tried (and failed) to deliver to every
    // rogue:
    // each frame arriving proves a delivery round happened, the log proves the rogues were in A's
    // view
    Set<String> refused = new HashSet<>();
    Set<String> rogueIds = new HashSet<>();
    rogues.forEach(r -> rogueIds.add(r.hazelcast().getNodeId()));
    long deadline = System.currentTimeMillis() + 60_000;
    while (!refused.containsAll(rogueIds)) {
      assertTrue(
          System.currentTimeMillis() < deadline,
          "no delivery attempt to every rogue; refused: "
              + refused
              + ", rogues: "
              + rogues.stream()
                  .map(
                      r ->
                          r.name()
                              + "="
                              + r.hazelcast().getNodeId()
                              + " got "
                              + r.received().size())
                  .toList());
      CallFeed.probe(cluster.a(), call);
      assertEquals("call_status", onB.next().getString("type"));
      assertEquals("call_status", onA.next().getString("type"));
      String id = unreachable.poll(500, TimeUnit.MILLISECONDS);
      if (id != null) {
        refused.add(id);
      }
    }
    for (Rogue r : rogues) {
      assertTrue(r.received().isEmpty(), r.name() + " received " + r.received());
    }

    // a legit marker after the forgeries: the dashboards get only legit frames up to it. A forged
    // turn 1, had it
    // been accepted, would even have made the legit turn 1 a duplicate that is never sent.
    CallFeed.turn(cluster.a(), call, "legit marker");
    for (TestSocket s : List.of(onB, onA)) {
      List<JsonObject> before = framesUntilMarker(s);
      before.forEach(
          f ->
              assertEquals(
                  "call_status", f.getString("type"), "forged frame delivered: " + f.encode()));
      assertFalse(
          s.frames.stream()
              .anyMatch(f -> f.encode().contains("FORGED") || f.containsKey("call_data")));
    }
    for (Rogue r : rogues) {
      assertTrue(r.received().isEmpty(), r.name() + " received " + r.received());
    }
    onA.close();
    onB.close();
  }

  /** Frames before the legit marker turn (the marker itself is consumed). */
  private static List<JsonObject> framesUntilMarker(TestSocket s) {
    List<JsonObject> before = new ArrayList<>();
    while (true) {
      JsonObject f = s.next();
      if ("transcription".equals(f.getString("type"))) {
        assertEquals("legit marker", f.getString("message_text"), f.encode());
        assertEquals(1, f.getInteger("sequence_number"));
        return before;
      }
      before.add(f);
    }
  }

  private static void awaitMembers(String who, java.util.function.IntSupplier members, int size) {
    // the new member list reaches the older members shortly after the joiner's start
    Await.until(who + " sees " + size + " members", () -> members.getAsInt() == size);
  }
}
