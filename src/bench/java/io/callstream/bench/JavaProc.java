package io.callstream.bench;

import io.callstream.support.Await;
import io.callstream.support.NodeProcess;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM of the benchmark: a callstream node from the packaged jar (started by bin/node), or a
 * {@link BareServer} on the same JVM and options. Output goes to a log file in the run directory;
 * heap after GC is read with the jcmd of that JVM's JDK, the same way for both kinds.
 */
final class JavaProc implements AutoCloseable {
  private static final Pattern HISTOGRAM_LINE =
      Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

  /**
   * JDK 17: "heap total 524288K, used 37305K"; JDK 25: "total reserved …K, committed …K, used …K".
   */
  private static final Pattern HEAP_USED =
      Pattern.compile("heap\\s+total (?:reserved )?\\d+K,(?: committed \\d+K,)? used (\\d+)K");

  /** The generational collectors (Serial, Parallel) list each generation instead: summed. */
  private static final Pattern GENERATION_USED =
      Pattern.compile(
          "(?m)^\\s*(?:DefNew|Tenured|PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K");

  final String name;
  final int port;
  private final Process process;
  private final Path log;
  private final long startedNanos;

  private JavaProc(String name, int port, Process process, Path log, long startedNanos) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  /**
   * A node from target/callstream.jar with the given environment (HTTP_PORT among it), started by
   * bin/node like a deployed node: its JDK, JVM options and AppCDS archive, a fixed heap of
   * bench.serverHeap (CALLSTREAM_HEAP).
   */
  static JavaProc node(String name, Map<String, String> env, Path dir, List<String> extraJvmOptions)
      throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.put("CALLSTREAM_HEAP", serverHeap());
    List<String> command = List.of(NodeProcess.launcher().toString(), "serve");
    return start(
        name,
        Integer.parseInt(env.get("HTTP_PORT")),
        command,
        NodeProcess.launcherEnv(all, extraJvmOptions),
        dir);
  }

  /**
   * A bare Vert.x HTTP/WebSocket server from the test classpath, on the JVM and options of a node
   * (no AppCDS).
   */
  static JavaProc bare(String name, int port, Path dir) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(NodeProcess.launcherJvm(Map.of("CALLSTREAM_HEAP", serverHeap())));
    command.add(
        "--enable-native-access=ALL-UNNAMED"); // what the jar's manifest says for a node (Netty's
    // natives)
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BareServer.class.getName(),
            Integer.toString(port)));
    return start(name, port, command, Map.of(), dir);
  }

  private static String serverHeap() {
    return System.getProperty("bench.serverHeap", "512m");
  }

  private static JavaProc start(
      String name, int port, List<String> command, Map<String, String> env, Path dir)
      throws IOException {
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    return new JavaProc(name, port, pb.start(), log, t0);
  }

  long pid() {
    return process.pid();
  }

  /** Polls GET path until it answers 200; returns milliseconds since this JVM was launched. */
  long awaitOk(String path, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    long[] okAt = new long[1];
    // Await checks every 10 ms: the resolution of ready_ms
    boolean ok =
        Await.within(
            timeout,
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    name + " exited with " + process.exitValue() + ":\n" + tail());
              }
              try {
                HttpResponse<Void> r =
                    client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.discarding());
                okAt[0] = System.nanoTime();
                return r.statusCode() == 200;
              } catch (IOException notYet) {
                return false; // not listening yet
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    if (!ok) {
      throw new IllegalStateException(name + ": " + path + " never answered 200:\n" + tail());
    }
    return (okAt[0] - startedNanos) / 1_000_000;
  }

  /** Heap in use after three full GCs (jcmd GC.run, then GC.heap_info), in bytes. */
  long heapAfterGc() throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      jcmd("GC.run");
    }
    String info = jcmd("GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (m.find()) {
      return Long.parseLong(m.group(1)) * 1024;
    }
    long used = 0;
    boolean found = false;
    for (Matcher g = GENERATION_USED.matcher(info); g.find(); found = true) {
      used += Long.parseLong(g.group(1)) * 1024;
    }
    if (!found) {
      throw new IllegalStateException("unexpected GC.heap_info output:\n" + info);
    }
    return used;
  }

  /**
   * Live objects by class (jcmd GC.class_histogram, which runs a full GC first): class name →
   * {instances, bytes}.
   */
  Map<String, long[]> classHistogram() throws IOException, InterruptedException {
    Map<String, long[]> histogram = new HashMap<>();
    Matcher m = HISTOGRAM_LINE.matcher(jcmd("GC.class_histogram"));
    while (m.find()) {
      histogram.put(
          m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
    }
    return histogram;
  }

  /** Runs a jcmd diagnostic command; retried, because the first attach to a busy JVM can fail. */
  private String jcmd(String command) throws IOException, InterruptedException {
    String out = "";
    for (int attempt = 1; attempt <= 3; attempt++) {
      Process p =
          new ProcessBuilder(jcmdPath().toString(), Long.toString(process.pid()), command)
              .redirectErrorStream(true)
              .start();
      out = new String(p.getInputStream().readAllBytes());
      boolean attachFailed = out.lines().limit(3).anyMatch(l -> l.contains("Exception"));
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && !attachFailed) {
        return out;
      }
      p.destroyForcibly();
      Thread.sleep(500); // before retrying the attach
    }
    throw new IllegalStateException("jcmd " + command + " failed: " + out);
  }

  /**
   * The jcmd of the JDK this JVM runs on (bin/node execs java, so that is the process's
   * executable).
   */
  private Path jcmdPath() throws IOException {
    Path java = Path.of("/proc", Long.toString(process.pid()), "exe").toRealPath();
    Path jcmd = java.resolveSibling("jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IllegalStateException(
          "no jcmd beside " + java + ": the nodes' JDK must be a JDK, not a JRE");
    }
    return jcmd;
  }

  /**
   * SIGTERM and wait (bounded); SIGKILL if it does not exit. Returns the exit code, or -1 when
   * killed.
   */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return process.exitValue();
    }
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    return -1;
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        terminate(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
