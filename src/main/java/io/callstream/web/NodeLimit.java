package io.callstream.web;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * A cap per key shared by every verticle instance of one node: a count in a Vert.x local map
 * (atomic updates, no cluster traffic). A key's entry disappears when its count is back to zero, so
 * idle keys cost nothing.
 */
public final class NodeLimit {
  private final LocalMap<String, Integer> counts;
  private final int max;

  /** {@code name}: the local map's name (tests read the counts there). */
  public NodeLimit(Vertx vertx, String name, int max) {
    this.counts = vertx.sharedData().getLocalMap(name);
    this.max = max;
  }

  /** Takes one place under {@code key}; false when {@code max} are taken already. */
  public boolean tryAcquire(String key) {
    boolean[] ok = new boolean[1];
    counts.compute(
        key,
        (k, n) -> {
          int current = n == null ? 0 : n;
          ok[0] = current < max;
          return ok[0] ? current + 1 : current == 0 ? null : current;
        });
    return ok[0];
  }

  /** Gives one place under {@code key} back; call once per successful {@link #tryAcquire}. */
  public void release(String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
