package io.callstream.live;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Open dashboard sockets per user (JWT {@code sub}) on this node, counted across all its verticle instances
 * (a node-local shared map: instances run on different event loops), at most WS_MAX_SOCKETS_PER_USER. The cap is
 * per node, not cluster-wide: a user may hold that many on each node, which still bounds what one stolen or
 * leaked token can make a node hold.
 */
final class UserSockets {
  static final String MAP = "callstream.live.sockets-per-user";

  private final LocalMap<String, Integer> counts;
  private final int max;

  UserSockets(Vertx vertx, int max) {
    this.counts = vertx.sharedData().getLocalMap(MAP);
    this.max = max;
  }

  /** Takes one of the user's places; false when the user already has {@code max} sockets here. */
  boolean acquire(String user) {
    boolean[] ok = new boolean[1];
    counts.compute(user, (k, n) -> {
      int current = n == null ? 0 : n;
      ok[0] = current < max;
      return ok[0] ? current + 1 : current == 0 ? null : current;
    });
    return ok[0];
  }

  void release(String user) {
    counts.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
  }
}
