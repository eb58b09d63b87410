package io.callstream.support;

import java.io.File;
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
import java.util.function.Predicate;

/**
 * A callstream node as a separate JVM from the built jar, started by bin/node as in production (its
 * JDK choice, JVM options and AppCDS archive), for end-to-end tests. Output goes to a log file.
 */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;
  private final long startedNanos;

  private NodeProcess(Process process, Path log, int port, long startedNanos) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.startedNanos = startedNanos;
  }

  public static String jar() {
    String jar = System.getProperty("callstream.jar", "target/callstream.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException("no jar at " + jar + ": run mvn package first");
    }
    return jar;
  }

  /**
   * bin/node of this repository: the launcher every node starts through (the JDK, the JVM options,
   * AppCDS).
   */
  public static Path launcher() {
    Path node =
        Path.of(System.getProperty("callstream.repo", "."))
            .toAbsolutePath()
            .normalize()
            .resolve("bin/node");
    if (!Files.isExecutable(node)) {
      throw new IllegalStateException("no launcher at " + node);
    }
    return node;
  }

  /**
   * The environment bin/node starts a test node with: the packaged jar, a 256 MiB heap
   * (CALLSTREAM_HEAP), then the test's own variables, which win (e.g. JAVA_HOME for another JDK,
   * CALLSTREAM_HEAP for another heap).
   */
  public static Map<String, String> launcherEnv(Map<String, String> env, List<String> jvmArgs) {
    Map<String, String> all = new HashMap<>();
    all.put("CALLSTREAM_JAR", Path.of(jar()).toAbsolutePath().toString());
    all.put("CALLSTREAM_HEAP", "256m");
    all.putAll(env);
    for (String arg : jvmArgs) {
      if (arg.isBlank()
          || arg.chars().anyMatch(Character::isWhitespace)
          || arg.matches(".*[*?\\[].*")) {
        throw new IllegalArgumentException(
            "bin/node splits JAVA_OPTS on spaces and expands globs: " + arg);
      }
    }
    if (!jvmArgs.isEmpty()) {
      String before = all.getOrDefault("JAVA_OPTS", "");
      all.put("JAVA_OPTS", (before.isBlank() ? "" : before + " ") + String.join(" ", jvmArgs));
    }
    return all;
  }

  public static NodeProcess start(String name, Map<String, String> env, String... args)
      throws IOException {
    return start(name, env, List.of(), args);
  }

  /**
   * Through bin/node, which execs the JVM (so this process is the JVM: signals reach it). Extra JVM
   * options go into JAVA_OPTS, which bin/node puts last (so they win); the heap is CALLSTREAM_HEAP
   * in the environment.
   */
  public static NodeProcess start(
      String name, Map<String, String> env, List<String> jvmArgs, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("callstream-" + name + "-", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(launcherEnv(env, jvmArgs));
    long t0 = System.nanoTime();
    Process p = pb.start();
    return new NodeProcess(p, log, Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080")), t0);
  }

  /**
   * The java executable bin/node runs with this environment (its --print-jvm, first line),
   * resolved.
   */
  public static Path launcherJava(Map<String, String> env)
      throws IOException, InterruptedException {
    return Path.of(launcherJvm(env).get(0)).toRealPath();
  }

  /**
   * bin/node --print-jvm: the java it runs with this environment, then its JVM options (no AppCDS),
   * a line each.
   */
  public static List<String> launcherJvm(Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "--print-jvm");
    pb.environment().putAll(launcherEnv(env, List.of()));
    Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || lines.isEmpty()) {
      throw new IllegalStateException("bin/node --print-jvm failed: " + lines);
    }
    return lines;
  }

  /** The java executable this node runs (bin/node execs it, so it is this process's executable). */
  public Path javaExecutable() {
    try {
      return Path.of("/proc", Long.toString(process.pid()), "exe").toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the executable of " + process.pid(), e);
    }
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Polls the path until it answers the status; returns milliseconds since the JVM was launched.
   */
  public long awaitStatus(String path, int status, Duration timeout) {
    return await(path, r -> r.statusCode() == status, "answered " + status, timeout);
  }

  /** Polls GET /ready until its JSON body reports the given number of cluster members. */
  public void awaitMembers(int members, Duration timeout) {
    await(
        "/ready",
        r ->
            r.body().contains("\"members\":" + members + "}")
                || r.body().contains("\"members\":" + members + ","),
        "reported " + members + " members",
        timeout);
  }

  private long await(
      String path, Predicate<HttpResponse<String>> condition, String what, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    String[] last = {"(no answer)"};
    long[] answeredAt = new long[1];
    boolean answered =
        Await.within(
            timeout,
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("node exited with " + process.exitValue() + ":\n" + log());
              }
              try {
                HttpResponse<String> r =
                    client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.ofString());
                last[0] = r.statusCode() + " " + r.body();
                answeredAt[0] = System.nanoTime();
                return condition.test(r);
              } catch (IOException notYet) {
                return false; // not listening yet
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    if (!answered) {
      throw new AssertionError(path + " never " + what + " (last: " + last[0] + "):\n" + log());
    }
    return (answeredAt[0] - startedNanos) / 1_000_000;
  }

  /** SIGTERM, then the exit code (waits at most the given time). */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node did not exit within " + timeout + ":\n" + log());
    }
    return process.exitValue();
  }

  public void kill() {
    process.destroyForcibly();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
