package io.callstream.bench;

import io.callstream.support.NodeProcess;
import io.callstream.support.Ports;
import io.callstream.support.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two callstream nodes under test, each its own JVM from the packaged jar started by bin/node,
 * clustered over loopback, with the default settings of a node (HTTP_INSTANCES = one per two cores,
 * DB_POOL_SIZE 8, ...) plus BENCH_NODE_* overrides. Node B is the "second node" whose JVM start →
 * /ready 200 is ready_ms; {@link #restartB} takes more samples of it.
 */
final class BenchCluster implements AutoCloseable {
  private final Path dir;
  private final Map<String, String> envA;
  private final Map<String, String> envB;
  private final List<Long> readySamples = new ArrayList<>();
  private JavaProc a;
  private JavaProc b;
  private long readyFirstMs;

  BenchCluster(String schema, Path dir) {
    this.dir = dir;
    int[] hz = {Ports.free(), Ports.free()};
    this.envA = env(schema, hz, 0);
    this.envB = env(schema, hz, 1);
  }

  void start() throws Exception {
    a = JavaProc.node("nodeA", envA, dir, jvmOptions("nodeA"));
    readyFirstMs = a.awaitOk("/ready", Duration.ofSeconds(60));
    startB(1);
  }

  JavaProc a() {
    return a;
  }

  JavaProc b() {
    return b;
  }

  long readyFirstMs() {
    return readyFirstMs;
  }

  List<Long> readySamples() {
    return readySamples;
  }

  /**
   * SIGTERM node B (it drains and leaves the cluster), then start it again, timing start → /ready.
   */
  void restartB(int sample) throws Exception {
    int code = b.terminate(Duration.ofSeconds(30));
    if (code != 0) {
      System.out.println("  node B exited with " + code);
    }
    startB(sample);
  }

  private void startB(int sample) throws Exception {
    b = JavaProc.node("nodeB-" + sample, envB, dir, jvmOptions("nodeB-" + sample));
    readySamples.add(b.awaitOk("/ready", Duration.ofSeconds(60)));
  }

  private static Map<String, String> env(String schema, int[] hz, int index) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", Integer.toString(Ports.free()));
    env.put("DATABASE_URL", TestDatabase.URL);
    env.put("DB_SCHEMA", schema);
    env.put("SECRET_KEY", Bench.SECRET_KEY);
    env.put("ELEVENLABS_WEBHOOK_SECRET", Bench.WEBHOOK_SECRET);
    env.put("CLUSTER_ENABLED", "true");
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", Integer.toString(hz[index]));
    env.put("CLUSTER_MEMBERS", "127.0.0.1:" + hz[0] + ",127.0.0.1:" + hz[1]);
    // BENCH_NODE_X=v sets X=v on both nodes (tuning experiments, e.g. BENCH_NODE_DB_POOL_SIZE=16)
    System.getenv()
        .forEach(
            (k, v) -> {
              if (k.startsWith("BENCH_NODE_")) {
                env.put(k.substring("BENCH_NODE_".length()), v);
              }
            });
    return env;
  }

  /**
   * With -Dbench.jfr=true the nodes record a JFR profile into the run directory (read it with `jfr
   * print`): the JDK's "profile" settings with Java and native method sampling every millisecond
   * instead of every 10/20 ms.
   */
  private List<String> jvmOptions(String name) {
    if (!Boolean.getBoolean("bench.jfr")) {
      return List.of();
    }
    Path settings = dir.resolve("bench.jfc");
    try {
      // the settings of the nodes' JDK (bin/node's choice), not of the JDK running the bench
      Path jdk = NodeProcess.launcherJava(Map.of()).getParent().getParent();
      String profile = Files.readString(jdk.resolve("lib/jfr/profile.jfc"));
      Files.writeString(
          settings,
          profile.replaceAll(
              "(control=\"method-sampling-(java|native)-interval\">)[^<]*<", "$11 ms<"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return List.of(
        "-XX:StartFlightRecording=filename="
            + dir.resolve(name + ".jfr")
            + ",settings="
            + settings);
  }

  @Override
  public void close() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }
}
