package io.callstream.app;

import io.callstream.audio.AudioStores;
import io.callstream.auth.Passwords;
import io.callstream.call.NodeTurnWriter;
import io.callstream.call.WriterMetrics;
import io.callstream.cluster.ClusterSetup;
import io.callstream.cluster.EventBusSetup;
import io.callstream.config.Config;
import io.callstream.config.Config.NodeRole;
import io.callstream.db.Database;
import io.callstream.demo.DemoMode;
import io.callstream.errortracking.ErrorTracking;
import io.callstream.errortracking.SentryLink;
import io.callstream.live.LiveMetrics;
import io.callstream.webhook.StaleFiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One node's start-up, a flat pipeline of steps that each return a Future: Vert.x (joining the
 * cluster) → the migrations done → the pool and the node's shared objects → stale files removed →
 * the HTTP instances listening → the audio duties → the reconciler → the readiness probe. A failed
 * step closes Vert.x (leaving the cluster). Used once per node.
 */
final class NodeStartup {
  private static final Logger LOG = Logger.getLogger(NodeStartup.class.getName());
  private final Config config;
  private final SentryLink sentry;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private ClusterManager clusterManager;
  private Vertx vertx;
  private NodeResources resources;
  private String httpDeployment;
  private String audioJobsDeployment;

  NodeStartup(Config config, SentryLink sentry) {
    this.config = config;
    this.sentry = sentry;
  }

  Future<Node> run(CompletionStage<?> migrated) {
    return startVertx()
        .compose(v -> Future.fromCompletionStage(migrated, vertx.getOrCreateContext()))
        .compose(v -> createResources())
        .compose(v -> removeStaleFiles())
        .compose(v -> deployHttp())
        .compose(v -> deployAudioJobs())
        .compose(v -> deployReconciler())
        .map(
            reconciler -> {
              watchReadiness();
              return new Node(vertx, resources, httpDeployment, reconciler, audioJobsDeployment);
            })
        .onFailure(
            e -> {
              if (resources != null) {
                resources.errors().close();
              }
              if (vertx != null) {
                vertx.close();
              }
            });
  }

  /**
   * A (clustered) Vert.x whose metrics go to this node's registry (bounded labels, see
   * MetricsSetup).
   */
  private Future<Void> startVertx() {
    MetricsSetup.bound(registry);
    VertxOptions options =
        new VertxOptions()
            .setMetricsOptions(
                MetricsSetup.options(
                    "callstream-" + UUID.randomUUID())); // one registry name per node
    VertxBuilder builder =
        Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
    Future<Vertx> built;
    if (config.cluster().enabled()) {
      clusterManager = ClusterSetup.clusterManager(config.cluster());
      options.setEventBusOptions(EventBusSetup.options(config.cluster()));
      built = builder.withClusterManager(clusterManager).buildClustered();
    } else {
      built = Future.succeededFuture(builder.build());
    }
    return built.onSuccess(v -> vertx = v).mapEmpty();
  }

  /**
   * The pool and what the node's verticle instances share, each built once here. Demo mode
   * (ELEVENLABS_API_URL=simulator) starts the simulator and points the config at it.
   */
  private Future<Void> createResources() {
    Pool pool = Database.createPool(vertx, config.database());
    NodeTurnWriter turns = new NodeTurnWriter();
    WriterMetrics.register(registry, turns);
    return DemoMode.configure(vertx, pool, config, Passwords::hash)
        .onSuccess(
            effective ->
                resources =
                    new NodeResources(
                        effective,
                        pool,
                        new NodeState(clusterManager),
                        registry,
                        new ErrorTracking(sentry, registry),
                        turns,
                        config.http().has(NodeRole.LIVE) ? new LiveMetrics(registry) : null,
                        AudioStores.create(vertx, pool, effective.audio(), effective.database())))
        .mapEmpty();
  }

  /**
   * Spool and partial audio files left by a node that died mid-request (file I/O: on a worker
   * thread).
   */
  private Future<Void> removeStaleFiles() {
    if (config.audio().legacyAudioDir() != null) {
      LOG.warning(
          "AUDIO_DIR is set but no longer used: recordings are stored in "
              + config.audio().store()
              + " (AUDIO_STORE) and served by every node; files already in "
              + config.audio().legacyAudioDir()
              + " are not served (docs/recordings.md, \"Upgrading from AUDIO_DIR\"). Remove AUDIO_DIR.");
    }
    if (!config.http().has(NodeRole.WEBHOOK)) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(
            () ->
                StaleFiles.remove(
                    config.webhooks(),
                    config.audio().legacyAudioDir(),
                    StaleFiles.staleAfter(config.http().requestTimeoutSeconds())),
            false)
        .mapEmpty();
  }

  /** The node's audio duties, one per node: recording retention and pending Twilio downloads. */
  private Future<Void> deployAudioJobs() {
    return vertx
        .deployVerticle(new AudioJobsVerticle(resources))
        .onSuccess(id -> audioJobsDeployment = id)
        .mapEmpty();
  }

  /** HTTP_INSTANCES verticle instances sharing HTTP_PORT; each one's start includes its listen. */
  private Future<Void> deployHttp() {
    DeploymentOptions deployment = new DeploymentOptions().setInstances(config.http().instances());
    return vertx
        .deployVerticle(() -> new HttpVerticle(resources), deployment)
        .onSuccess(id -> httpDeployment = id)
        .mapEmpty();
  }

  /** The reconciler's deployment id (one per node), or null when RECONCILE_ENABLED=false. */
  private Future<String> deployReconciler() {
    return config.reconcile().enabled()
        ? vertx.deployVerticle(new ReconcilerVerticle(resources))
        : Future.succeededFuture(null);
  }

  /**
   * callstream_build_info{version,commit} 1; callstream_ready: 1 while the node would answer /ready
   * with 200 (the database probed every 5 s); callstream_database_up: 1 while that probe answers (a
   * database outage, told apart from a drain); callstream_cluster_members: the cluster's members as
   * this node sees them (1 standalone, 0 when not joined).
   */
  private void watchReadiness() {
    NodeState state = resources.state();
    // an info metric of the Prometheus client itself: Micrometer would strip the _info suffix of a
    // gauge
    Info.builder()
        .name("callstream_build_info")
        .help("always 1; the labels name the running build")
        .labelNames("version", "commit")
        .register(registry.getPrometheusRegistry())
        .setLabelValues(BuildInfo.CURRENT.version(), BuildInfo.CURRENT.commit());
    Gauge.builder("callstream_ready", state, s -> s.ready() ? 1 : 0)
        .description("1 while this node is ready (database answers, cluster joined, not draining)")
        .register(registry);
    Gauge.builder("callstream_database_up", state, s -> s.databaseAnswers() ? 1 : 0)
        .description("1 while this node's last database probe answered")
        .register(registry);
    Gauge.builder("callstream_cluster_members", state, s -> s.clusterMember() ? s.clusterSize() : 0)
        .description(
            "cluster members as this node sees them (1 when not clustered, 0 when not joined)")
        .register(registry);
    vertx.setPeriodic(
        5_000,
        id ->
            Database.ping(resources.pool())
                .timeout(2, TimeUnit.SECONDS)
                .onComplete(ar -> state.databaseAnswered(ar.succeeded())));
  }
}
