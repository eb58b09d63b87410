package io.callstream.bench;

import io.callstream.auth.Tokens;
import io.callstream.config.Config;
import io.callstream.support.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.HdrHistogram.Histogram;

/**
 * The benchmark run behind {@code bin/bench [--quick]} (not a test: nothing here runs under
 * surefire/failsafe). Starts two clustered callstream nodes from the packaged jar on a schema of
 * its own, drives them from this JVM over 127.0.0.1, measures each figure of issue 7 beside its
 * baseline measured in the same run, and ends with one {@code name: value} line per figure. A
 * section that fails is reported as {@code <section>_error} and the run goes on.
 */
public final class Bench {
  static final String SECRET_KEY = "bench-secret-key-that-is-at-least-32-bytes!";
  static final String WEBHOOK_SECRET = "whsec_bench_secret";
  static final String FANOUT_CALL = "BENCH_F_1";

  private final Plan plan;
  private final Path dir;
  private final Summary summary = new Summary();
  private final List<JavaProc> processes = new ArrayList<>();
  private BenchDb db;
  private Vertx vertx;
  private BenchCluster cluster;
  private JavaProc nodeA;
  private JavaProc nodeB;
  private JavaProc bareX;
  private JavaProc bareY;
  private String token;

  private final List<String> only;

  private Bench(Plan plan, Path dir, List<String> only) {
    this.plan = plan;
    this.dir = dir;
    this.only = only;
  }

  /** Held so that the levels stick (JUL keeps loggers weakly). */
  private static final List<Logger> QUIET =
      List.of(Logger.getLogger(""), Logger.getLogger("io.vertx"));

  public static void main(String[] args) throws Exception {
    QUIET.get(0).setLevel(Level.WARNING);
    QUIET
        .get(1)
        .setLevel(
            Level
                .SEVERE); // e.g. "Connection evicted" for each refused request of a failing section
    List<String> options = Arrays.asList(args);
    Plan plan =
        options.contains("--quick")
            ? Plan.quick()
            : options.contains("--smoke") ? Plan.smoke() : Plan.full();
    Path dir = Path.of("target", "bench");
    Files.createDirectories(dir);
    // --only a,b runs just those sections (plus the nodes and baselines they need): for profiling
    int at = options.indexOf("--only");
    List<String> only =
        at >= 0 && at + 1 < options.size() ? List.of(options.get(at + 1).split(",")) : List.of();
    Bench bench = new Bench(plan, dir, only);
    long t0 = System.nanoTime();
    try {
      bench.run();
    } finally {
      bench.cleanUp();
    }
    bench.summary.put("bench_seconds", Math.round((System.nanoTime() - t0) / 1e9));
    String command = "bin/bench" + (plan.name().equals("full") ? "" : " --" + plan.name());
    Report.write(
        dir,
        Report.markdown(bench.summary, plan, command),
        !options.contains("--no-write") && plan.name().equals("full") && only.isEmpty());
    System.out.println("\n=== summary (" + plan.name() + ") ===");
    System.out.print(bench.summary.render());
    System.exit(bench.stallFailed ? 1 : 0);
  }

  private void run() throws Exception {
    summary.put("bench_plan", plan.name());
    db = BenchDb.create();
    System.out.println("bench: schema " + db.schema + ", logs in " + dir);
    db.seedCalls(BenchDb.sids("BENCH_I_", plan.ingestCalls()));
    db.seedCalls(BenchDb.sids("BENCH_L_", plan.latencyCalls()));
    db.seedCalls(List.of(FANOUT_CALL));
    db.seedCalls(PgBench.sids(plan.ingestCalls()));
    vertx = Vertx.vertx();
    token = new Tokens(vertx, new Config.Auth(SECRET_KEY, 3600)).issue("bench", "dispatcher");

    section("pgbench", this::pgbench);
    section("baselines", this::baselines);
    section("nodes", this::startNodes);
    if (nodeA != null && nodeB != null) {
      section("ingest", this::ingest);
      section("pgbench_after", this::pgbenchAfter);
      section("latency_same_node", () -> latency("latency_same_node", nodeA, 10_000_000L));
      section("latency_cross_node", () -> latency("latency_cross_node", nodeB, 20_000_000L));
      section("fanout", this::fanout);
      section("stall", this::stall);
    }
    if (bareX != null && bareY != null) {
      section("fanout_bare", this::fanoutBare);
    }
    if (nodeA != null) {
      section("heap", this::heap);
    }
    if (bareX != null) {
      section("heap_bare", this::heapBare);
    }
    if (nodeB != null) {
      section("ready", this::moreReadySamples);
    }
    summary.ratio("fanout_15k_ratio_vs_bare", "fanout_15k_p99_ms", "fanout_bare_p99_ms");
    summary.ratio("heap_ratio_vs_bare", "heap_per_idle_socket_kb", "heap_bare_per_idle_socket_kb");
  }

  private interface Step {
    void run() throws Exception;
  }

  private void section(String name, Step step) {
    if (!only.isEmpty()
        && !only.contains(name)
        && !name.equals("nodes")
        && !name.equals("baselines")
        && !(name.equals("pgbench_after") && only.contains("pgbench"))) {
      return;
    }
    System.out.println(
        "bench: "
            + name
            + " (load average "
            + String.format(
                "%.2f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage())
            + ")");
    try {
      step.run();
    } catch (Exception | AssertionError e) {
      String message =
          String.valueOf(e.getMessage()).lines().findFirst().orElse("").replace(':', ';');
      summary.put(name + "_error", e.getClass().getSimpleName() + " " + message);
      e.printStackTrace(System.out);
    }
  }

  /**
   * pgbench before and after the ingest run: its rate drifts between runs (WAL flushes,
   * checkpoints), so the baseline is the mean of the two, measured around the figure it divides.
   */
  private void pgbench() throws Exception {
    PgBench.Result r = PgBench.measure(db, plan, dir);
    summary.put("ingest_pgbench_before_tps", r.tps());
    summary.put("ingest_pgbench_latency_avg_ms", r.meanLatencyMs());
    summary.put("ingest_pgbench_tps", r.tps());
  }

  private void pgbenchAfter() throws Exception {
    PgBench.Result r = PgBench.measure(db, plan, dir);
    summary.put("ingest_pgbench_after_tps", r.tps());
    summary.put("ingest_pgbench_tps", (summary.number("ingest_pgbench_before_tps") + r.tps()) / 2);
    summary.ratio("ingest_ratio_vs_pgbench", "ingest_rps_c16", "ingest_pgbench_tps");
  }

  private void startNodes() throws Exception {
    cluster = new BenchCluster(db.schema, dir);
    cluster.start();
    nodeA = cluster.a();
    nodeB = cluster.b();
    summary.put("ready_first_node_ms", cluster.readyFirstMs());
    summary.put("ready_ms", cluster.readySamples().get(0));
  }

  private void moreReadySamples() throws Exception {
    for (int i = 2; i <= plan.readySamples(); i++) {
      cluster.restartB(i);
    }
    nodeB = cluster.b();
    List<Long> sorted = cluster.readySamples().stream().sorted().toList();
    summary.put("ready_ms", sorted.get(sorted.size() / 2));
    summary.put("ready_max_ms", sorted.get(sorted.size() - 1));
    summary.put("ready_samples", sorted.size());
  }

  private void ingest() throws Exception {
    Turns turns = new Turns(vertx, nodeA.port, WEBHOOK_SECRET, plan.ingestSenders());
    try {
      IngestBench.Result r =
          IngestBench.run(
              vertx,
              turns,
              BenchDb.sids("BENCH_I_", plan.ingestCalls()),
              plan.ingestSenders(),
              plan.ingestWarmupSeconds(),
              plan.ingestSeconds(),
              nodeA.pid(),
              nodeB.pid());
      System.out.println("  webhook latency " + Lat.describe(r.latency()));
      summary.put("ingest_rps_c16", r.rps());
      summary.put("ingest_p50_ms", Lat.ms(r.latency(), 50));
      summary.put("ingest_p99_ms", Lat.ms(r.latency(), 99));
      summary.put("ingest_errors", r.errors());
      // both JVMs: the webhooks land on A, which publishes to B's consumers
      summary.put(
          "ingest_server_cpu_ms_per_webhook", r.ok() == 0 ? Double.NaN : r.serverCpuMs() / r.ok());
    } finally {
      turns.close();
    }
  }

  private void baselines() throws Exception {
    bareX = JavaProc.bare("bareX", Ports.free(), dir);
    bareY = JavaProc.bare("bareY", Ports.free(), dir);
    processes.add(bareX);
    processes.add(bareY);
    bareX.awaitOk("/ping", Duration.ofSeconds(30));
    bareY.awaitOk("/ping", Duration.ofSeconds(30));
    Histogram http = RoundTrips.http(vertx, bareX.port, plan.roundTrips());
    System.out.println("  loopback HTTP round trip " + Lat.describe(http));
    summary.put("latency_http_rtt_p50_ms", Lat.ms(http, 50));
    summary.put("latency_http_rtt_p99_ms", Lat.ms(http, 99));
    Histogram bus = RoundTrips.eventBus(plan.roundTrips(), FanoutBench.frame(FANOUT_CALL, 1));
    System.out.println("  event-bus round trip " + Lat.describe(bus));
    summary.put("latency_eventbus_rtt_p50_ms", Lat.ms(bus, 50));
    summary.put("latency_eventbus_rtt_p99_ms", Lat.ms(bus, 99));
  }

  private void latency(String name, JavaProc socketNode, long base) throws Exception {
    Turns turns = new Turns(vertx, nodeA.port, WEBHOOK_SECRET, 64);
    try {
      LatencyBench.Result r =
          LatencyBench.run(
              vertx,
              turns,
              new SocketFleet(vertx),
              socketNode.port,
              token,
              BenchDb.sids("BENCH_L_", plan.latencyCalls()),
              plan.latencySubscribers(),
              plan.latencyRate(),
              plan.latencyWarmupSeconds(),
              plan.latencySeconds(),
              base);
      r.report(summary, name, name.contains("same") ? "latency_http_rtt" : "latency_eventbus_rtt");
    } finally {
      turns.close();
    }
  }

  private static final String STALL_SEED_CALL = "BENCH_S_SEED";

  /** Set when the stall check ran and failed: the bench then exits 1. */
  private boolean stallFailed;

  private void stall() throws Exception {
    stallFailed = true; // until it has run and passed
    long seeded = System.nanoTime();
    db.seedCalls(List.of(STALL_SEED_CALL));
    db.seedTurns(STALL_SEED_CALL, plan.stallSeedTurns());
    System.out.printf(
        "  %,d turns stored beforehand in %.1f s%n",
        plan.stallSeedTurns(), (System.nanoTime() - seeded) / 1e9);
    List<Turns> nodes =
        List.of(
            new Turns(vertx, nodeA.port, WEBHOOK_SECRET, 64),
            new Turns(vertx, nodeB.port, WEBHOOK_SECRET, 64));
    try {
      StallBench.Result r =
          StallBench.run(
              vertx,
              nodes,
              BenchDb.sids("BENCH_L_", plan.latencyCalls()),
              plan.stallRate(),
              plan.stallWarmupSeconds(),
              plan.stallSeconds());
      System.out.println("  webhook latency at a fixed rate " + Lat.describe(r.latency()));
      summary.put("stall_p99_ms", Lat.ms(r.latency(), 99));
      summary.put("stall_p999_ms", Lat.ms(r.latency(), 99.9));
      summary.put("stall_max_ms", Lat.maxMs(r.latency()));
      summary.put("stall_webhooks_over_100ms", r.over100ms());
      summary.put("stall_errors", r.errors());
      summary.put("stall_check", r.passed() ? "pass" : "FAIL");
      stallFailed = !r.passed();
    } finally {
      nodes.forEach(Turns::close);
    }
  }

  private void fanout() throws Exception {
    String uri = "/ws/calls/transcriptions?token=" + token;
    String subscribe = "{\"subscribe\":\"" + FANOUT_CALL + "\"}";
    Turns turns = new Turns(vertx, nodeA.port, WEBHOOK_SECRET, 1);
    FanoutBench.Result service;
    try {
      service =
          FanoutBench.run(
              new SocketFleet(vertx),
              List.of(nodeA.port, nodeB.port),
              uri,
              subscribe,
              plan.fanoutSockets(),
              plan.fanoutEvents(),
              id -> turns.post(FANOUT_CALL, id),
              30_000_000L);
    } finally {
      turns.close();
    }
    System.out.println("  callstream per socket " + Lat.describe(service.perSocket()));
    System.out.println("  callstream last socket " + Lat.describe(service.lastSocket()));
    summary.put("fanout_15k_p50_ms", Lat.ms(service.perSocket(), 50));
    summary.put("fanout_15k_p99_ms", Lat.ms(service.perSocket(), 99));
    summary.put("fanout_15k_last_socket_avg_ms", service.lastSocket().getMean() / 1000);
    summary.put("fanout_15k_webhook_avg_ms", service.trigger().getMean() / 1000);
    summary.put("fanout_15k_frames_lost", service.expected() - service.received());
  }

  private void fanoutBare() throws Exception {
    String subscribe = "{\"subscribe\":\"" + FANOUT_CALL + "\"}";
    var http = vertx.createHttpClient();
    FanoutBench.Result bare =
        FanoutBench.run(
            new SocketFleet(vertx),
            List.of(bareX.port, bareY.port),
            "/ws",
            subscribe,
            plan.fanoutSockets(),
            plan.fanoutEvents(),
            id -> {
              Buffer frame = Buffer.buffer(FanoutBench.frame(FANOUT_CALL, id));
              return Future.all(
                  broadcast(http, bareX.port, frame), broadcast(http, bareY.port, frame));
            },
            40_000_000L);
    http.close();
    System.out.println("  bare per socket " + Lat.describe(bare.perSocket()));
    summary.put("fanout_bare_p50_ms", Lat.ms(bare.perSocket(), 50));
    summary.put("fanout_bare_p99_ms", Lat.ms(bare.perSocket(), 99));
    summary.put("fanout_bare_frames_lost", bare.expected() - bare.received());
  }

  private static Future<?> broadcast(io.vertx.core.http.HttpClient http, int port, Buffer frame) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/broadcast")
        .compose(r -> r.send(frame))
        .compose(r -> r.body());
  }

  private void heap() throws Exception {
    List<String> sids = BenchDb.sids("BENCH_L_", plan.latencyCalls());
    HeapBench.Result service =
        HeapBench.run(
            new SocketFleet(vertx),
            nodeA,
            "/ws/calls/transcriptions?token=" + token,
            i -> "{\"subscribe\":\"" + sids.get(i % sids.size()) + "\"}",
            plan.heapSmall(),
            plan.heapLarge());
    summary.put("heap_1k_mb", service.heapSmall() / 1048576.0);
    summary.put("heap_10k_mb", service.heapLarge() / 1048576.0);
    summary.put("heap_per_idle_socket_kb", service.bytesPerSocket() / 1024);
  }

  private void heapBare() throws Exception {
    HeapBench.Result bare =
        HeapBench.run(
            new SocketFleet(vertx),
            bareX,
            "/ws",
            i -> "{\"subscribe\":\"x\"}",
            plan.heapSmall(),
            plan.heapLarge());
    summary.put("heap_bare_1k_mb", bare.heapSmall() / 1048576.0);
    summary.put("heap_bare_10k_mb", bare.heapLarge() / 1048576.0);
    summary.put("heap_bare_per_idle_socket_kb", bare.bytesPerSocket() / 1024);
  }

  private void cleanUp() {
    if (cluster != null) {
      cluster.close();
    }
    for (JavaProc p : processes) {
      p.close();
    }
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // closing the load generator at the end: best effort
      }
    }
    if (db != null) {
      db.drop();
      System.out.println("bench: schema " + db.schema + " dropped");
    }
  }
}
