package io.callstream.soak;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The faults of a soak, one after another at fixed shares of the run (never before their time,
 * never two at once): a rolling restart, a SIGKILL, a PostgreSQL restart, a PostgreSQL stall, a
 * dashboard that stops reading. Each is recorded with its start and end (the windows in which
 * closes, metric misses and ERROR lines are its).
 */
final class Faults {
  private static final Logger LOG = Logger.getLogger("soak");

  record Fault(String name, long startMillis, long endMillis, String outcome, boolean ok) {}

  /**
   * A step of the schedule: its share of the run and what it does (returns its outcome, or throws).
   */
  record Step(String name, double share, Action action) {}

  @FunctionalInterface
  interface Action {
    String run() throws Exception;
  }

  final List<Fault> done = new CopyOnWriteArrayList<>();
  private final Nodes nodes;
  private final StallProxy proxy;
  private final Path pgRestart;
  private final Supplier<String> token;
  private final Supplier<String> endedCall;
  private final long stallMs;
  private long slowAskMs = 90_000;

  Faults(
      Nodes nodes,
      StallProxy proxy,
      Path pgRestart,
      Supplier<String> token,
      Supplier<String> endedCall,
      long stallMs) {
    this.endedCall = endedCall;
    this.nodes = nodes;
    this.proxy = proxy;
    this.pgRestart = pgRestart;
    this.token = token;
    this.stallMs = stallMs;
  }

  List<Step> schedule() {
    List<Step> steps = new ArrayList<>();
    // first, alone: the kernel's socket buffers hold megabytes before the node's queue fills (about
    // a minute and a
    // half at what the server's inbound budget lets a client ask for), and a database fault would
    // close it with
    // 1011 (its snapshots fail) and a restart with 1001
    steps.add(new Step("slow dashboard (stops reading)", 0.02, this::slowReader));
    steps.add(new Step("rolling restart (SIGTERM, /ready, next)", 0.15, this::rollingRestart));
    steps.add(new Step("SIGKILL node2, restart", 0.45, this::kill));
    steps.add(new Step("PostgreSQL restart (pg_ctl restart -m fast)", 0.60, this::pgRestart));
    steps.add(
        new Step(
            "PostgreSQL stall (" + stallMs / 1000 + " s, connections open, no answers)",
            0.70,
            this::pgStall));
    return steps;
  }

  /**
   * Runs the schedule over a run of {@code runMs} started at {@code t0}; a fault that is late (the
   * previous one took long) still runs until {@code latestStart}; after that it is skipped (and
   * reported).
   */
  void run(long t0, long runMs, long latestStart) {
    slowAskMs = Math.max(60_000, Math.min(150_000, runMs / 2));
    for (Step step : schedule()) {
      runStep(step, t0, runMs, latestStart);
    }
  }

  private void runStep(Step step, long t0, long runMs, long latestStart) {
    {
      long at = t0 + (long) (step.share() * runMs);
      long wait = at - System.currentTimeMillis();
      if (wait > 0) {
        Traffic.sleepQuietly(wait); // the schedule's own clock: the fault is due at this time
      }
      if (System.currentTimeMillis() > latestStart) {
        LOG.warning("soak: no time left for " + step.name());
        done.add(
            new Fault(
                step.name(),
                System.currentTimeMillis(),
                System.currentTimeMillis(),
                "skipped: no time left",
                false));
        return;
      }
      long start = System.currentTimeMillis();
      String outcome;
      boolean ok = true;
      try {
        outcome = step.action().run();
      } catch (Exception e) {
        outcome = "failed: " + e;
        ok = false;
      }
      done.add(new Fault(step.name(), start, System.currentTimeMillis(), outcome, ok));
      LOG.info("soak: fault " + step.name() + ": " + outcome);
    }
  }

  private String rollingRestart() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Nodes.Node n : nodes.all()) {
      long t = System.currentTimeMillis();
      boolean clean = nodes.terminate(n, Duration.ofSeconds(60));
      long stopped = System.currentTimeMillis() - t;
      nodes.start(n);
      if (!nodes.awaitReady(n, Duration.ofSeconds(120))) {
        throw new IllegalStateException(n.name() + " not ready 120 s after its restart");
      }
      sb.append(n.name())
          .append(clean ? " drained and exited 0" : " did NOT exit 0 in 60 s")
          .append(" in ")
          .append(stopped)
          .append(" ms, ready after ")
          .append(System.currentTimeMillis() - t - stopped)
          .append(" ms; ");
    }
    return sb.toString();
  }

  private String kill() throws Exception {
    Nodes.Node n = nodes.all().get(1);
    nodes.kill(n);
    long t = System.currentTimeMillis();
    nodes.start(n);
    if (!nodes.awaitReady(n, Duration.ofSeconds(120))) {
      throw new IllegalStateException(n.name() + " not ready 120 s after its restart");
    }
    return n.name() + " killed, ready again after " + (System.currentTimeMillis() - t) + " ms";
  }

  private String pgRestart() throws Exception {
    Process p = new ProcessBuilder(pgRestart.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("pg restart failed: " + out);
    }
    return "restarted (" + out.replace('\n', ' ') + ")";
  }

  private String pgStall() {
    proxy.stall();
    try {
      Traffic.sleepQuietly(stallMs); // the stall's length is the fault itself
    } finally {
      proxy.resume();
    }
    return "stalled " + stallMs + " ms, resumed";
  }

  /**
   * The 1013 close frame is queued behind what the reader never read, so when the server then drops
   * the connection the frame may never arrive: the node's slow-consumer counter is the proof in
   * that case.
   */
  private String slowReader() throws IOException {
    Nodes.Node n = nodes.all().get(0);
    double before = metric(n, "callstream_ws_slow_consumer_closes_total");
    String outcome = SlowReader.run(n.httpPort, token.get(), endedCall, slowAskMs, 10_000);
    double after = metric(n, "callstream_ws_slow_consumer_closes_total");
    String figure =
        n.name()
            + ": "
            + outcome
            + ", callstream_ws_slow_consumer_closes_total "
            + before
            + " -> "
            + after;
    if (!outcome.startsWith("close 1013") && !(outcome.startsWith("dropped") && after > before)) {
      throw new IOException("the slow dashboard was not closed as a slow consumer: " + figure);
    }
    return figure;
  }

  /** The sum of a metric's series on the node (NaN when unreadable). */
  private double metric(Nodes.Node n, String name) {
    try {
      String text =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + n.httpPort + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }
}
