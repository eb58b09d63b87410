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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A callstream node as a separate JVM from the built jar (end-to-end tests). Output goes to a log file. */
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

  /** The AppCDS archive {@code mvn package} dumps beside the jar, as bin/run uses it (none when packaging skipped it). */
  public static List<String> archive() {
    Path jsa = Path.of(jar()).resolveSibling("callstream.jsa");
    return Files.isRegularFile(jsa) ? List.of("-XX:SharedArchiveFile=" + jsa) : List.of();
  }

  public static NodeProcess start(String name, Map<String, String> env, String... args) throws IOException {
    return start(name, env, List.of(), args);
  }

  /** With extra JVM options (after the defaults, so e.g. a smaller -Xmx wins). */
  public static NodeProcess start(String name, Map<String, String> env, List<String> jvmArgs, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(archive());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar());
    command.addAll(List.of(args));
    Path log = Files.createTempFile("callstream-" + name + "-", ".log");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    return new NodeProcess(p, log, Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080")), t0);
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

  /** Polls the path until it answers the status; returns milliseconds since the JVM was launched. */
  public long awaitStatus(String path, int status, Duration timeout) {
    return await(path, r -> r.statusCode() == status, "answered " + status, timeout);
  }

  /** Polls GET /ready until its JSON body reports the given number of cluster members. */
  public void awaitMembers(int members, Duration timeout) {
    await("/ready", r -> r.body().contains("\"members\":" + members + "}")
        || r.body().contains("\"members\":" + members + ","), "reported " + members + " members", timeout);
  }

  private long await(String path, Predicate<HttpResponse<String>> condition, String what, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    String[] last = {"(no answer)"};
    long[] answeredAt = new long[1];
    boolean answered = Await.within(timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
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
