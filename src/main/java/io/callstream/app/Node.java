package io.callstream.app;

import io.callstream.auth.Passwords;
import io.callstream.call.NodeTurnWriter;
import io.callstream.call.WriterMetrics;
import io.callstream.cluster.ClusterSetup;
import io.callstream.cluster.EventBusSetup;
import io.callstream.config.Config;
import io.callstream.db.Database;
import io.callstream.demo.DemoMode;
import io.callstream.errortracking.ErrorTracking;
import io.callstream.errortracking.SentryLink;
import io.callstream.live.LiveMetrics;
import io.micrometer.core.instrument.Gauge;
import io.callstream.webhook.StaleFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One running callstream node: a (clustered) Vert.x, the database pool, and HTTP_INSTANCES verticle instances
 * sharing HTTP_PORT. Migrations must have run before {@link #start}. Used by Main and by the tests.
 */
public final class Node {
  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  private final Vertx vertx;
  private final NodeResources resources;
  private final String deploymentId;
  /** The reconciler's deployment (one per node), or null when RECONCILE_ENABLED=false. */
  private final String reconcilerId;

  private Node(Vertx vertx, NodeResources resources, String deploymentId, String reconcilerId) {
    this.vertx = vertx;
    this.resources = resources;
    this.deploymentId = deploymentId;
    this.reconcilerId = reconcilerId;
  }

  /** A node without Sentry whose migrations have run (tests). */
  public static Future<Node> start(Config config) {
    return start(config, CompletableFuture.completedFuture(null), SentryLink.NONE);
  }

  /**
   * Starts a node whose verticles are deployed only once {@code migrated} completes: the caller may run the
   * (blocking) migrations on another thread while Vert.x starts and joins its cluster. Errors go to Sentry through
   * the process's {@code sentry} link, opened by the caller.
   */
  public static Future<Node> start(Config config, CompletionStage<?> migrated, SentryLink sentry) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsSetup.bound(registry);
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(MetricsSetup.options("callstream-" + UUID.randomUUID())); // one registry name per node
    VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    Future<Vertx> vertxFuture;
    ClusterManager clusterManager = null;
    if (config.cluster().enabled()) {
      clusterManager = ClusterSetup.clusterManager(config.cluster());
      options.setEventBusOptions(EventBusSetup.options(config.cluster()));
      vertxFuture = builder.withClusterManager(clusterManager).buildClustered();
    } else {
      vertxFuture = Future.succeededFuture(builder.build());
    }
    NodeState state = new NodeState(clusterManager);
    return vertxFuture.compose(vertx -> Future.fromCompletionStage(migrated, vertx.getOrCreateContext())
        .compose(done -> {
          Pool pool = Database.createPool(vertx, config.database());
          NodeTurnWriter turns = new NodeTurnWriter();
          WriterMetrics.register(registry, turns);
          // demo mode (ELEVENLABS_API_URL=simulator) starts the simulator and points the config at it
          return DemoMode.configure(vertx, pool, config, Passwords::hash)
              .compose(effective -> deploy(vertx, new NodeResources(effective, pool, state, registry,
                  new ErrorTracking(sentry, registry), turns,
                  config.http().has(Config.NodeRole.LIVE) ? new LiveMetrics(registry) : null)));
        })
        .onFailure(e -> vertx.close()));
  }

  private static Future<Node> deploy(Vertx vertx, NodeResources resources) {
    DeploymentOptions deployment = new DeploymentOptions().setInstances(resources.config().http().instances());
    return removeStaleFiles(vertx, resources.config())
        .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(resources), deployment))
        .compose(id -> !resources.config().reconcile().enabled()
            ? Future.succeededFuture(new Node(vertx, resources, id, null))
            : vertx.deployVerticle(new ReconcilerVerticle(resources))
                .map(reconciler -> new Node(vertx, resources, id, reconciler)))
        .onSuccess(n -> watchReadiness(vertx, resources));
  }

  /**
   * callstream_ready: 1 while the node would answer /ready with 200 (the database probed every 5 s);
   * callstream_database_up: 1 while that probe answers (a database outage, told apart from a drain);
   * callstream_cluster_members: the cluster's members as this node sees them (1 standalone, 0 when not joined).
   */
  private static void watchReadiness(Vertx vertx, NodeResources resources) {
    NodeState state = resources.state();
    Gauge.builder("callstream_ready", state, s -> s.ready() ? 1 : 0)
        .description("1 while this node is ready (database answers, cluster joined, not draining)")
        .register(resources.registry());
    Gauge.builder("callstream_database_up", state, s -> s.databaseAnswers() ? 1 : 0)
        .description("1 while this node's last database probe answered").register(resources.registry());
    Gauge.builder("callstream_cluster_members", state, s -> s.clusterMember() ? s.clusterSize() : 0)
        .description("cluster members as this node sees them (1 when not clustered, 0 when not joined)")
        .register(resources.registry());
    vertx.setPeriodic(5_000, id -> Database.ping(resources.pool()).timeout(2, TimeUnit.SECONDS)
        .onComplete(ar -> state.databaseAnswered(ar.succeeded())));
  }

  /** Spool and partial audio files left by a node that died mid-request (file I/O: on a worker thread). */
  private static Future<Integer> removeStaleFiles(Vertx vertx, Config config) {
    if (!config.http().has(Config.NodeRole.WEBHOOK)) {
      return Future.succeededFuture(0);
    }
    return vertx.executeBlocking(() -> StaleFiles.remove(config.webhooks(),
        StaleFiles.staleAfter(config.http().requestTimeoutSeconds())), false);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** What the node's verticle instances share (tests read the pool, the state and the metrics from it). */
  public NodeResources resources() {
    return resources;
  }

  public Config config() {
    return resources.config();
  }

  public Pool pool() {
    return resources.pool();
  }

  public NodeState state() {
    return resources.state();
  }

  public MeterRegistry registry() {
    return resources.registry();
  }

  public int port() {
    return resources.config().http().port();
  }

  /**
   * Stops taking work, undeploys the verticles (closing their sockets), closes the pool, then closes Vert.x,
   * which leaves the cluster. Blocking: call it from a thread that is not a Vert.x thread.
   */
  public void shutdown(long timeoutSeconds) throws Exception {
    resources.state().startDraining();
    LOG.info("node stopping");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try {
      // in-flight requests finish (new webhooks and upgrades are refused with 503 meanwhile)
      resources.state().drained().get(Math.max(1, remaining(deadline) - TimeUnit.SECONDS.toNanos(3)),
          TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warning(resources.state().inFlight() + " requests still in flight at the drain bound");
    }
    try {
      // the reconciler first (it releases its lock at once, another node takes over), then the HTTP instances:
      // undeploying them closes every WebSocket with 1001 and the HTTP servers
      (reconcilerId == null ? Future.<Void>succeededFuture() : vertx.undeploy(reconcilerId))
          .eventually(() -> vertx.undeploy(deploymentId))
          .eventually(() -> resources.pool().close())
          .toCompletionStage().toCompletableFuture()
          .get(Math.max(1, remaining(deadline) - TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
    } finally {
      // Vert.x is closed from this (non Vert.x) thread so that completion is not dispatched to a dead event loop;
      // closing it leaves the cluster
      try {
        vertx.close().toCompletionStage().toCompletableFuture()
            .get(Math.max(TimeUnit.SECONDS.toNanos(2), remaining(deadline)), TimeUnit.NANOSECONDS);
      } finally {
        resources.errors().close(); // Sentry itself is the process's: Main closes it
      }
    }
  }

  private static long remaining(long deadline) {
    return deadline - System.nanoTime();
  }
}
