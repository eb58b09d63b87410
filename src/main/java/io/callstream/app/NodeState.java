package io.callstream.app;

import io.vertx.core.spi.cluster.ClusterManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide facts every verticle instance can read: is this node clustered and joined, is it
 * draining.
 */
public final class NodeState {
  private final ClusterManager clusterManager;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> idleWhileDraining = new CompletableFuture<>();

  public NodeState(ClusterManager clusterManager) {
    this.clusterManager = clusterManager;
  }

  public boolean clustered() {
    return clusterManager != null;
  }

  /** True when standalone, or when the cluster manager is active (this node is a member). */
  public boolean clusterMember() {
    return clusterManager == null || clusterManager.isActive();
  }

  /** Members of the cluster as this node sees them (1 when standalone). */
  public int clusterSize() {
    return clusterManager == null ? 1 : clusterManager.getNodes().size();
  }

  private volatile boolean databaseAnswers = true;

  /** The last database probe's result (the periodic probe of the ready gauge, or /ready). */
  public void databaseAnswered(boolean answers) {
    databaseAnswers = answers;
  }

  public boolean databaseAnswers() {
    return databaseAnswers;
  }

  /** What /ready would answer, without a database round trip: for the callstream_ready gauge. */
  public boolean ready() {
    return !draining() && clusterMember() && databaseAnswers;
  }

  public boolean draining() {
    return draining.get();
  }

  /** Returns true the first time only. */
  public boolean startDraining() {
    boolean first = draining.compareAndSet(false, true);
    if (inFlight.get() == 0) {
      idleWhileDraining.complete(null);
    }
    return first;
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestFinished() {
    if (inFlight.decrementAndGet() == 0 && draining.get()) {
      idleWhileDraining.complete(null);
    }
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** Completes once the node is draining and no HTTP request is in flight. */
  public CompletableFuture<Void> drained() {
    return idleWhileDraining;
  }
}
