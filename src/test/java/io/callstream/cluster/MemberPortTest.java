package io.callstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.callstream.support.Await;
import io.callstream.support.Ports;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 5: one Hazelcast member configured exactly as a callstream node configures it
 * (ClusterSetup, CLUSTER_NAME set) and, in this JVM, the processes an attacker on the cluster
 * network would run.
 */
class MemberPortTest {
  static final String SECRET = "test-cluster-secret-0123456789";
  static int port;
  static HazelcastInstance node;

  @BeforeAll
  static void setUp() {
    port = Ports.free();
    node =
        Hazelcast.newHazelcastInstance(
            ClusterSetup.hazelcastConfig(settings(port, List.of(), SECRET)));
  }

  @AfterAll
  static void tearDown() {
    node.shutdown();
  }

  static io.callstream.config.Config.Cluster settings(int port, List<String> members, String name) {
    return new io.callstream.config.Config.Cluster(
        true, "127.0.0.1", port, members, null, 5, 0, null, name);
  }

  @Test
  void aHazelcastClientCannotConnectToTheMemberPort() {
    ClientConfig config = new ClientConfig().setClusterName(SECRET); // even knowing the secret
    config.getNetworkConfig().addAddress("127.0.0.1:" + port);
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(5_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try {
            HazelcastInstance client = HazelcastClient.newHazelcastClient(config);
            client.shutdown();
            fail("a Hazelcast client connected to the member port " + port);
          } catch (IllegalStateException refused) {
            assertTrue(refused.getMessage().contains("Unable to connect"), refused.getMessage());
          }
        });
  }

  @Test
  void aMemberWithAnotherClusterNameDoesNotJoin() {
    // the public default name, as a process that does not know CLUSTER_NAME would use
    Config rogueConfig =
        ClusterSetup.hazelcastConfig(
            settings(
                Ports.free(),
                List.of("127.0.0.1:" + port),
                io.callstream.config.Config.Cluster.DEFAULT_NAME));
    // returns once its join has ended: it either joined the node or found no master and formed its
    // own cluster
    HazelcastInstance rogue = Hazelcast.newHazelcastInstance(rogueConfig);
    try {
      assertEquals(
          1,
          rogue.getCluster().getMembers().size(),
          "the rogue joined: " + rogue.getCluster().getMembers());
      assertEquals(
          1,
          node.getCluster().getMembers().size(),
          "the node admitted: " + node.getCluster().getMembers());
    } finally {
      rogue.shutdown();
    }
  }

  @Test
  void aJavaSerializedClassOutsideTheAllowListIsNeverInstantiatedOnTheNode() throws Exception {
    // a member that knows the cluster name and sends whatever it likes (no filter of its own)
    Config rogueConfig =
        ClusterSetup.hazelcastConfig(settings(Ports.free(), List.of("127.0.0.1:" + port), SECRET));
    rogueConfig.getSerializationConfig().setJavaSerializationFilterConfig(null);
    HazelcastInstance rogue = Hazelcast.newHazelcastInstance(rogueConfig);
    try {
      Await.until("the rogue joins the node", () -> node.getCluster().getMembers().size() == 2);
      // allowed classes still travel: a Java-serialized JDK value written by one member, read by
      // the other
      rogue.getMap("allowed").put("k", new AtomicLong(42));
      assertEquals(42, ((AtomicLong) node.getMap("allowed").get("k")).get());

      Member target = node.getCluster().getLocalMember();
      var answer = rogue.getExecutorService("rogue").submitToMember(new Gadget(), target);
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> answer.get(60, TimeUnit.SECONDS),
              "the node ran a task of a class outside the allow-list");
      assertTrue(
          String.valueOf(refused.getCause()).contains(Gadget.class.getName()),
          String.valueOf(refused));
      assertFalse(Gadget.deserialized, "the node deserialized " + Gadget.class.getName());
    } finally {
      rogue.shutdown();
      Await.until(
          "the node sees the rogue leave", () -> node.getCluster().getMembers().size() == 1);
    }
  }

  /** Stands for a deserialization gadget: whatever its readObject does would run on the node. */
  static final class Gadget implements Callable<String>, Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean deserialized;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      deserialized = true;
    }

    @Override
    public String call() {
      return "ran on " + Thread.currentThread().getName();
    }
  }
}
