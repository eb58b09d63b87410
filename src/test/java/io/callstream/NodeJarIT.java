package io.callstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Jdk17;
import io.callstream.support.NodeProcess;
import io.callstream.support.Ports;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, started by bin/node (the JDK it picks; JDK 17 where a test says so): starts,
 * becomes ready, clusters with a second process, and exits 0 on SIGTERM.
 */
class NodeJarIT {
  static String schema;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("jar");
  }

  @AfterAll
  static void tearDown() {
    TestDatabase.dropSchema(schema);
  }

  @Test
  void startsAnswersHealthAndStopsOnSigterm() throws Exception {
    Map<String, String> env = TestConfig.env(schema);
    try (NodeProcess node = NodeProcess.start("single", env)) {
      long readyMs = node.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      node.awaitStatus("/health", 200, Duration.ofSeconds(5));
      System.out.println("ready_ms single node: " + readyMs + " on " + node.javaExecutable());
      assertEquals(
          NodeProcess.launcherJava(Map.of()), node.javaExecutable(), "the JVM bin/node picks");
      assertEquals(0, node.terminate(Duration.ofSeconds(20)), node.log());
      assertTrue(node.log().contains("node stopped cleanly"), node.log());
      assertNoJvmWarning(node.log());
    }
  }

  /**
   * bin/node's own AppCDS path with the JVM it picks: `--cds-dump` writes callstream-jdk<N>.jsa
   * beside the jar, a node started next to it maps it without being told (-Xshare:on fails the
   * start when it cannot).
   */
  @Test
  void theArchiveBinNodeDumpsServesTheJarsClassesOnItsJvm(@TempDir Path dir) throws Exception {
    Path jar = Files.copy(Path.of(NodeProcess.jar()), dir.resolve("callstream.jar"));
    Map<String, String> env = Map.of("CALLSTREAM_JAR", jar.toString());
    try (NodeProcess dump = NodeProcess.start("cds-dump", env, "--cds-dump")) {
      assertTrue(dump.process().waitFor(180, TimeUnit.SECONDS), dump.log());
      assertEquals(0, dump.process().exitValue(), dump.log());
    }
    try (var files = Files.list(dir)) {
      assertEquals(
          1,
          files
              .filter(f -> f.getFileName().toString().matches("callstream-jdk\\d+\\.jsa"))
              .count());
    }
    try (NodeProcess node =
        NodeProcess.start(
            "cds",
            env,
            List.of("-Xshare:on", "-Xlog:class+load=info", "-Xlog:cds=info", "-Xlog:gc=info"),
            "--help")) {
      assertTrue(node.process().waitFor(60, TimeUnit.SECONDS));
      String log = node.log();
      assertEquals(0, node.process().exitValue(), log);
      assertTrue(log.contains("usage: callstream"), log);
      assertTrue(
          log.lines()
              .anyMatch(
                  l -> l.contains("io.callstream.app.Main") && l.contains("shared objects file")),
          "callstream's own classes come from the archive");
      // CALLSTREAM_CDS_RELOCATE=no: mapped where it was dumped, so its pages are shared by the
      // host's nodes (relocated, each JVM dirties its own copy)
      assertTrue(
          log.lines().anyMatch(l -> l.contains("ArchiveRelocationMode: 0")),
          "the archive is mapped at its dump address");
      // CALLSTREAM_GC's default
      assertTrue(log.lines().anyMatch(l -> l.contains("Using Serial")), "the Serial collector");
    }
  }

  /**
   * The jar is built for release 17: on a JDK 17 (JAVA_HOME for bin/node) it still serves and stops
   * cleanly.
   */
  @Test
  void servesOnJdk17() throws Exception {
    Path jdk17 = Jdk17.home();
    Map<String, String> env = new HashMap<>(TestConfig.env(schema));
    env.put("JAVA_HOME", jdk17.toString());
    try (NodeProcess node = NodeProcess.start("jdk17", env)) {
      node.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      assertEquals(
          jdk17.resolve("bin/java").toRealPath(), node.javaExecutable(), "the JVM bin/node ran");
      assertEquals(0, node.terminate(Duration.ofSeconds(20)), node.log());
      assertTrue(node.log().contains("node stopped cleanly"), node.log());
      assertNoJvmWarning(node.log());
    }
  }

  @Test
  void migrateCommandExitsZero() throws Exception {
    try (NodeProcess node = NodeProcess.start("migrate", TestConfig.env(schema), "migrate")) {
      assertTrue(node.process().waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, node.process().exitValue(), node.log());
    }
  }

  @Test
  void twoClusteredProcessesBothReadyAndDropAHungMember() throws Exception {
    int hzA = Ports.free();
    int hzB = Ports.free();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
    Map<String, String> a = cluster(hzA, members);
    Map<String, String> b = cluster(hzB, members);
    try (NodeProcess na = NodeProcess.start("cluster-a", a);
        NodeProcess nb = NodeProcess.start("cluster-b", b)) {
      long readyA = na.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      long readyB = nb.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      System.out.println("ready_ms clustered: a=" + readyA + " b=" + readyB);
      na.awaitMembers(2, Duration.ofSeconds(20));
      // a hung member (SIGSTOP) is dropped after the heartbeat timeout (5 s), not Hazelcast's
      // default minute
      long t0 = System.nanoTime();
      signal(nb, "STOP");
      na.awaitMembers(
          1, Duration.ofSeconds(20)); // within 20 s: seconds, not Hazelcast's default minute
      System.out.println("hung member dropped after ms: " + (System.nanoTime() - t0) / 1_000_000);
      na.awaitStatus("/ready", 200, Duration.ofSeconds(5));
      signal(nb, "CONT");
      nb.kill();
      assertEquals(0, na.terminate(Duration.ofSeconds(20)), na.log());
      assertNoJvmWarning(na.log()); // clustered: Hazelcast's Unsafe too
    }
  }

  @Test
  void survivorOfAKilledMemberStaysReady() throws Exception {
    int hzA = Ports.free();
    int hzB = Ports.free();
    String members = "127.0.0.1:" + hzA + ",127.0.0.1:" + hzB;
    try (NodeProcess na = NodeProcess.start("kill-a", cluster(hzA, members));
        NodeProcess nb = NodeProcess.start("kill-b", cluster(hzB, members))) {
      na.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      nb.awaitStatus("/ready", 200, Duration.ofSeconds(60));
      nb.awaitMembers(2, Duration.ofSeconds(20));
      na.kill();
      nb.awaitMembers(1, Duration.ofSeconds(20));
      nb.awaitStatus("/ready", 200, Duration.ofSeconds(10));
      assertEquals(0, nb.terminate(Duration.ofSeconds(20)), nb.log());
    }
  }

  /**
   * The JVM's own warnings (e.g. JDK 24+ on Unsafe or native access) start a line with "WARNING: ".
   */
  private static void assertNoJvmWarning(String log) {
    assertFalse(log.lines().anyMatch(l -> l.startsWith("WARNING: ")), log);
  }

  private static void signal(NodeProcess node, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(node.process().pid())).start();
    assertEquals(0, kill.waitFor());
  }

  private static Map<String, String> cluster(int hzPort, String members) {
    Map<String, String> env = new HashMap<>(TestConfig.env(schema));
    env.put("CLUSTER_ENABLED", "true");
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", String.valueOf(hzPort));
    env.put("CLUSTER_MEMBERS", members);
    return env;
  }
}
