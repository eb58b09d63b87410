package io.callstream.soak;

import io.callstream.demo.DemoMode;
import io.callstream.demo.ElevenLabsSimulator;
import io.callstream.demo.Pacing;
import io.callstream.demo.SimulatorSettings;
import io.callstream.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The soak driver (bin/soak prepares PostgreSQL, certificates and nginx, then runs this): three
 * nodes by bin/node behind the shipped nginx, an external ElevenLabs simulator in this JVM, a
 * dispatch floor's traffic and dashboards, the faults on their schedule, then the invariants
 * (Invariants, Health) and the report (Report). Exit code 0 only when every invariant holds.
 * Settings are system properties (soak.*), set by bin/soak.
 */
public final class Soak {
  static final Logger LOG = Logger.getLogger("soak");
  static final String TWILIO_ACCOUNT = "AC00000000000000000000000000000000";
  static final String AGENT_ID = "agent_soak";
  static final String WEBHOOK_SECRET = "whsec_soak_" + Long.toHexString(new Random().nextLong());
  static final String TWILIO_TOKEN = "twilio_soak_" + Long.toHexString(new Random().nextLong());

  private Soak() {}

  static String prop(String name) {
    String v = System.getProperty("soak." + name);
    if (v == null) {
      throw new IllegalArgumentException("missing -Dsoak." + name);
    }
    return v;
  }

  static int[] ports(String name) {
    return Arrays.stream(prop(name).split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * The driver's own Vert.x/Netty loggers: a reset connection during a fault is expected, not worth
   * a line.
   */
  private static final Logger[] QUIET = {
    Logger.getLogger("io.vertx"), Logger.getLogger("io.netty")
  };

  public static void main(String[] args) throws Exception {
    for (Logger l : QUIET) {
      l.setLevel(java.util.logging.Level.OFF);
    }
    double minutes = Double.parseDouble(prop("minutes"));
    long runMs = (long) (minutes * 60_000);
    Path repo = Path.of(prop("repo"));
    Path dir = Path.of(prop("dir"));
    int nginxPort = Integer.parseInt(prop("nginxPort"));
    String base = "http://127.0.0.1:" + nginxPort;
    Vertx vertx = Vertx.vertx();
    StallProxy proxy = new StallProxy(vertx, Integer.parseInt(prop("pgPort")));
    Await.result(proxy.listen(0));
    ElevenLabsSimulator simulator =
        Await.result(
            DemoMode.startSimulator(
                vertx,
                new SimulatorSettings(
                    URI.create(base),
                    WEBHOOK_SECRET,
                    new Pacing(200, 700),
                    Integer.parseInt(System.getProperty("soak.failurePercent", "10")),
                    new Random(42))));
    Map<String, String> env = nodeEnv(dir, base, proxy.port(), simulator.baseUrl().toString());
    Nodes nodes =
        new Nodes(repo, dir, env, ports("httpPorts"), ports("hzPorts"), ports("busPorts"));
    Report report = new Report(dir, Path.of(prop("report")), minutes);
    // a SIGTERM (bin/soak's clean-up, its timeout) runs no finally block: the nodes are stopped by
    // this hook
    Runtime.getRuntime().addShutdownHook(new Thread(nodes::stopAll, "soak-stop-nodes"));
    int exit = 1;
    try {
      exit = run(vertx, nodes, proxy, base, runMs, report);
    } catch (Exception e) {
      report.fatal(e);
      throw e;
    } finally {
      nodes.stopAll();
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      report.write();
      System.exit(exit);
    }
  }

  private static Map<String, String> nodeEnv(
      Path dir, String base, int dbPort, String simulatorUrl) {
    Map<String, String> env = new HashMap<>();
    env.put(
        "DATABASE_URL", "postgresql://callstream:callstream@127.0.0.1:" + dbPort + "/callstream");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put(
        "SECRET_KEY",
        "soak-secret-key-" + Long.toHexString(new Random().nextLong()) + "-0123456789abcdef");
    env.put("ELEVENLABS_WEBHOOK_SECRET", WEBHOOK_SECRET);
    env.put("ELEVENLABS_API_URL", simulatorUrl);
    env.put("ELEVENLABS_API_KEY", "sim_soak_key");
    env.put("ELEVENLABS_AGENT_ID", AGENT_ID);
    env.put("ELEVENLABS_PHONE_NUMBER_ID", "phnum_soak");
    env.put("TWILIO_AUTH_TOKEN", TWILIO_TOKEN);
    env.put("TWILIO_ACCOUNT_SID", TWILIO_ACCOUNT);
    env.put("PUBLIC_BASE_URL", base);
    env.put("TRUSTED_PROXIES", "127.0.0.1");
    // the cluster name is a shared secret, as compose and Kubernetes set it
    env.put("CLUSTER_NAME", String.format("soak-cluster-%016x", new Random().nextLong()));
    env.put("CLUSTER_TLS_CERT", dir.resolve("tls/node.crt").toString());
    env.put("CLUSTER_TLS_KEY", dir.resolve("tls/node.key").toString());
    env.put("CLUSTER_TLS_CA", dir.resolve("tls/ca.crt").toString());
    env.put("CALLSTREAM_HEAP", System.getProperty("soak.heap", "320m"));
    env.put("JWT_TTL_SECONDS", "90");
    env.put("RECONCILE_INTERVAL_SECONDS", "5");
    env.put("RECONCILE_AFTER_SECONDS", "30");
    if (System.getProperty("soak.requestTimeout") != null) {
      env.put("HTTP_REQUEST_TIMEOUT_SECONDS", System.getProperty("soak.requestTimeout"));
    }
    env.put("WS_MAX_QUEUE_BYTES", "262144");
    return env;
  }

  private static int run(
      Vertx vertx, Nodes nodes, StallProxy proxy, String base, long runMs, Report report)
      throws Exception {
    for (Nodes.Node n : nodes.all()) {
      nodes.start(n);
    }
    for (Nodes.Node n : nodes.all()) {
      if (!nodes.awaitReady(n, Duration.ofSeconds(180))) {
        throw new IllegalStateException(n.name() + " never became ready; see " + n.log);
      }
    }
    LOG.info("soak: 3 nodes ready");
    Tokens tokens = new Tokens(base, prop("user"), prop("password"));
    tokens.get();
    Traffic traffic = new Traffic(base, WEBHOOK_SECRET, TWILIO_TOKEN, tokens);
    traffic.createDrivers();
    Faults faults =
        new Faults(
            nodes,
            proxy,
            Path.of(prop("pgRestart")),
            tokens::get,
            traffic::completedSid,
            Long.parseLong(System.getProperty("soak.stallMs", "15000")));
    Invariants inv =
        new Invariants(
            "jdbc:postgresql://127.0.0.1:" + prop("pgPort") + "/callstream", faults.done);
    Probes probes = new Probes(nodes, prop("jcmd"));

    int count = Integer.parseInt(System.getProperty("soak.dashboards", "200"));
    // Vert.x keeps at most 50 WebSockets per endpoint by default and queues the rest: every
    // dashboard
    // talks to the one nginx, so without this only 50 were ever connected and a dashboard closed by
    // a
    // drain waited behind the 150 that had never connected (its followed calls looked "lost")
    WebSocketClient ws =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(2 * count + 10)
                .setMaxFrameSize(1 << 20)
                .setMaxMessageSize(1 << 22)
                .setConnectTimeout(10_000));
    List<Dashboard> dashboards = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Dashboard d =
          new Dashboard(
              vertx,
              ws,
              i,
              Integer.parseInt(prop("nginxPort")),
              tokens::current,
              Math.min(1.0, 6.0 / count));
      dashboards.add(d);
      vertx.setTimer(1 + i * 20L, t -> d.start(30_000));
    }

    // the load blocks on its requests during faults: the monitoring (tokens, scrapes, samples) has
    // its own threads
    ScheduledExecutorService sched = Executors.newScheduledThreadPool(16);
    ScheduledExecutorService monitor = Executors.newScheduledThreadPool(4);
    Set<String> audioPosted = ConcurrentHashMap.newKeySet();
    long t0 = System.currentTimeMillis();
    report.started(t0);
    long callEvery = Long.parseLong(System.getProperty("soak.callEveryMs", "1000"));
    List<ScheduledFuture<?>> load =
        List.of(
            sched.scheduleAtFixedRate(traffic::startCall, 500, callEvery, TimeUnit.MILLISECONDS),
            sched.scheduleAtFixedRate(
                () -> traffic.inboundCall(sched),
                1_000,
                Long.parseLong(System.getProperty("soak.inboundEveryMs", "5000")),
                TimeUnit.MILLISECONDS));
    monitor.scheduleAtFixedRate(tokens::refresh, 5, 5, TimeUnit.SECONDS);
    monitor.scheduleAtFixedRate(probes::scrape, 0, 15, TimeUnit.SECONDS);
    long samplePeriod = Math.max(10_000, Math.min(60_000, runMs / 12));
    monitor.scheduleAtFixedRate(probes::sample, 5_000, samplePeriod, TimeUnit.MILLISECONDS);
    sched.scheduleWithFixedDelay(
        () -> postAudio(inv, traffic, audioPosted), 3, 3, TimeUnit.SECONDS);

    long latestFault = t0 + runMs + 60_000;
    Thread faultThread = new Thread(() -> faults.run(t0, runMs, latestFault), "soak-faults");
    faultThread.start();
    Await.within(
        Duration.ofMillis(runMs), () -> false); // the run's length: traffic goes on meanwhile
    faultThread.join(latestFault + 240_000 - System.currentTimeMillis());
    load.forEach(f -> f.cancel(false));
    long trafficEnd = System.currentTimeMillis();
    LOG.info(
        "soak: traffic stopped after "
            + (trafficEnd - t0) / 1000
            + " s; waiting for the calls to end");

    Set<String> all = ConcurrentHashMap.newKeySet();
    all.addAll(traffic.started);
    all.addAll(traffic.inbound);
    // the reconciler needs RECONCILE_AFTER_SECONDS (30) and a cycle or two for a call whose
    // webhooks were lost
    long grace =
        Long.parseLong(System.getProperty("soak.graceMs", runMs < 600_000 ? "60000" : "90000"));
    Await.within(
        Duration.ofMillis(grace),
        () -> {
          try {
            return inv.open(all) == 0;
          } catch (Exception e) {
            return false;
          }
        });
    postAudio(inv, traffic, audioPosted);
    Await.within(
        Duration.ofSeconds(20),
        () ->
            dashboards.stream()
                .allMatch(d -> d.followed.values().stream().allMatch(f -> f.completed)));
    // every dashboard is back (a close is followed by a reconnect within a second or so)
    Await.within(Duration.ofSeconds(20), () -> dashboards.stream().allMatch(Dashboard::connected));
    long connectedAtEnd = dashboards.stream().filter(Dashboard::connected).count();
    long stopAt = System.currentTimeMillis();
    sched.shutdownNow();
    monitor.shutdownNow();
    dashboards.forEach(Dashboard::stop);

    Map<String, String> statuses = inv.statuses();
    inv.callsEnded(traffic.started, traffic.inbound);
    inv.dashboards(dashboards, statuses);
    inv.closes(dashboards, t0, stopAt, connectedAtEnd);
    inv.add(Health.faults(faults.done));
    inv.recordings(traffic.audio, nodes, tokens.get());
    inv.inbox();
    inv.errorLines(nodes.all().stream().map(n -> n.log).toList());
    List<String> slopes = new ArrayList<>();
    inv.add(Health.resources(probes, nodes, t0 + runMs / 2, slopes));
    inv.add(Health.metrics(probes));
    report.finished(trafficEnd, traffic, statuses, inv, faults.done, slopes, dashboards, tokens);
    return inv.allPass() ? 0 : 1;
  }

  /** ElevenLabs' post_call_audio for each completed outbound call not yet sent. */
  private static void postAudio(Invariants inv, Traffic traffic, Set<String> posted) {
    List<String> due = new ArrayList<>();
    try (Connection c = inv.db();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT conversation_id FROM calls WHERE status = 'completed' AND conversation_id IS NOT NULL "
                    + "AND call_sid LIKE 'EL\\_%'")) {
      while (rs.next()) {
        if (posted.add(rs.getString(1))) {
          due.add(rs.getString(1));
        }
      }
    } catch (Exception e) {
      LOG.warning("soak: reading completed calls failed: " + e);
      return;
    }
    due.forEach(traffic::postAudio);
  }
}
