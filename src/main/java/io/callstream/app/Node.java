package io.callstream.app;

import io.callstream.config.Config;
import io.callstream.errortracking.SentryLink;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * One running callstream node: a (clustered) Vert.x, the database pool, and HTTP_INSTANCES verticle
 * instances sharing HTTP_PORT, started by {@link NodeStartup}. Used by Main and by the tests.
 */
public final class Node {
  private static final Logger LOG = Logger.getLogger(Node.class.getName());

  private final Vertx vertx;
  private final NodeResources resources;
  private final String deploymentId;

  /** The reconciler's deployment (one per node), or null when RECONCILE_ENABLED=false. */
  private final String reconcilerId;

  /** The audio duties' deployment (one per node: retention, pending Twilio downloads). */
  private final String audioJobsId;

  Node(
      Vertx vertx,
      NodeResources resources,
      String deploymentId,
      String reconcilerId,
      String audioJobsId) {
    this.audioJobsId = audioJobsId;
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
   * Starts a node whose verticles are deployed only once {@code migrated} completes: the caller may
   * run the (blocking) migrations on another thread while Vert.x starts and joins its cluster.
   * Errors go to Sentry through the process's {@code sentry} link, opened by the caller.
   */
  public static Future<Node> start(Config config, CompletionStage<?> migrated, SentryLink sentry) {
    return new NodeStartup(config, sentry).run(migrated);
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * What the node's verticle instances share (tests read the pool, the state and the metrics from
   * it).
   */
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
   * Stops taking work, undeploys the verticles (closing their sockets), closes the pool, then
   * closes Vert.x, which leaves the cluster. Blocking: call it from a thread that is not a Vert.x
   * thread.
   */
  public void shutdown(long timeoutSeconds) throws Exception {
    resources.state().startDraining();
    LOG.info("node stopping");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try {
      // in-flight requests finish (new webhooks and upgrades are refused with 503 meanwhile)
      resources
          .state()
          .drained()
          .get(
              Math.max(1, remaining(deadline) - TimeUnit.SECONDS.toNanos(3)), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.warning(resources.state().inFlight() + " requests still in flight at the drain bound");
    }
    try {
      // the reconciler first (it releases its lock at once, another node takes over), then the HTTP
      // instances:
      // undeploying them closes every WebSocket with 1001 and the HTTP servers
      (reconcilerId == null ? Future.<Void>succeededFuture() : vertx.undeploy(reconcilerId))
          .eventually(() -> vertx.undeploy(audioJobsId))
          .eventually(() -> vertx.undeploy(deploymentId))
          .eventually(() -> resources.pool().close())
          .toCompletionStage()
          .toCompletableFuture()
          .get(
              Math.max(1, remaining(deadline) - TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
    } finally {
      // Vert.x is closed from this (non Vert.x) thread so that completion is not dispatched to a
      // dead event loop;
      // closing it leaves the cluster
      try {
        vertx
            .close()
            .toCompletionStage()
            .toCompletableFuture()
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
