package io.callstream;

import io.vertx.core.spi.cluster.ClusterManager;
import java.util.concurrent.atomic.AtomicBoolean;

/** Node-wide facts every verticle instance can read: is this node clustered and joined, is it draining. */
public final class NodeState {
  private final ClusterManager clusterManager;
  private final AtomicBoolean draining = new AtomicBoolean();

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

  public boolean draining() {
    return draining.get();
  }

  /** Returns true the first time only. */
  public boolean startDraining() {
    return draining.compareAndSet(false, true);
  }
}
