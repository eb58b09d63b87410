package io.callstream.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's nodes: each started by bin/node (the launcher the image uses, so the JVM is the
 * process bin/node execs), with its own log (appended across restarts) and spool directory. Knows
 * which node is up: a node is "down" from the moment a fault stops it until it answers /ready again
 * (metrics misses and closes are allowed then).
 */
final class Nodes {
  static final class Node {
    final int index;
    final int httpPort;
    final Path log;
    volatile Process process;
    volatile boolean up;
    volatile long startedAtMillis;
    final List<Long> pids = new ArrayList<>();

    Node(int index, int httpPort, Path log) {
      this.index = index;
      this.httpPort = httpPort;
      this.log = log;
    }

    String name() {
      return "node" + (index + 1);
    }

    long pid() {
      Process p = process;
      return p == null ? -1 : p.pid();
    }
  }

  private final Path repo;
  private final Map<String, String> common;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Map<String, String>> envs = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Path pidFile;

  /**
   * common: the settings every node shares; per node HTTP, cluster ports and a spool directory are
   * added here.
   */
  Nodes(
      Path repo,
      Path dir,
      Map<String, String> common,
      int[] httpPorts,
      int[] hzPorts,
      int[] busPorts) {
    this.repo = repo;
    this.common = common;
    this.pidFile = dir.resolve("node.pids");
    StringBuilder members = new StringBuilder();
    for (int hz : hzPorts) {
      members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(hz);
    }
    for (int i = 0; i < httpPorts.length; i++) {
      Map<String, String> env = new HashMap<>(common);
      env.put("HTTP_PORT", String.valueOf(httpPorts[i]));
      env.put("CLUSTER_ENABLED", "true");
      env.put("CLUSTER_HOST", "127.0.0.1");
      env.put("CLUSTER_PORT", String.valueOf(hzPorts[i]));
      env.put("CLUSTER_BUS_PORT", String.valueOf(busPorts[i]));
      env.put("CLUSTER_MEMBERS", members.toString());
      // each node its own temporary directory (webhook spool files), as in separate containers
      env.put("WEBHOOK_SPOOL_DIR", dir.resolve("spool-node" + (i + 1)).toString());
      envs.add(env);
      nodes.add(new Node(i, httpPorts[i], dir.resolve("node" + (i + 1) + ".log")));
    }
  }

  List<Node> all() {
    return nodes;
  }

  void start(Node node) throws IOException {
    Files.createDirectories(Path.of(envs.get(node.index).get("WEBHOOK_SPOOL_DIR")));
    ProcessBuilder pb =
        new ProcessBuilder(repo.resolve("bin/node").toString(), "serve")
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log.toFile()));
    pb.environment().putAll(envs.get(node.index));
    node.startedAtMillis = System.currentTimeMillis();
    node.process = pb.start();
    synchronized (node.pids) {
      node.pids.add(node.process.pid());
    }
    // bin/soak kills whatever is left of these on exit, even if this JVM dies first
    Files.writeString(
        pidFile,
        node.process.pid() + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** Waits until GET /ready answers 200 (bounded); marks the node up. */
  boolean awaitReady(Node node, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = node.process;
      if (p == null || !p.isAlive()) {
        return false;
      }
      if (get(node, "/ready") == 200) {
        node.up = true;
        return true;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
    return false;
  }

  /** SIGTERM (the node drains) and waits for its exit; true when it exited 0 within the bound. */
  boolean terminate(Node node, Duration timeout) throws InterruptedException {
    node.up = false;
    Process p = node.process;
    p.destroy();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return false;
    }
    return p.exitValue() == 0;
  }

  void kill(Node node) throws InterruptedException {
    node.up = false;
    node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** Status of GET path on the node, -1 when it does not answer within 5 s. */
  int get(Node node, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Stops every node still running (SIGTERM, then SIGKILL after 20 s). */
  void stopAll() {
    for (Node n : nodes) {
      Process p = n.process;
      if (p != null && p.isAlive()) {
        n.up = false;
        p.destroy();
      }
    }
    for (Node n : nodes) {
      Process p = n.process;
      try {
        if (p != null && !p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
