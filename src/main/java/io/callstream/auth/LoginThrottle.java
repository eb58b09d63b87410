package io.callstream.auth;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Limits failed logins per username and per client address on this node (shared by its verticle instances):
 * more than {@link #MAX_PER_USER} failures for one username, or {@link #MAX_PER_ADDRESS} from one address, within
 * {@link #WINDOW_MILLIS} block further attempts (429) until the window ends. A success clears the username's count.
 */
public final class LoginThrottle {
  public static final int MAX_PER_USER = 10;
  public static final int MAX_PER_ADDRESS = 50;
  public static final long WINDOW_MILLIS = 5 * 60_000;
  private static final int MAX_ENTRIES = 10_000;

  /** Values are {@code "<window start millis>:<failures>"} (local maps take immutable values). */
  private final LocalMap<String, String> failures;

  public LoginThrottle(Vertx vertx) {
    this.failures = vertx.sharedData().getLocalMap("callstream.auth.login-failures");
  }

  /** Seconds until attempts are allowed again, or 0 when this attempt may proceed. */
  public long blockedForSeconds(String username, String address) {
    long now = System.currentTimeMillis();
    return Math.max(blocked("u:" + username, MAX_PER_USER, now), blocked("a:" + address, MAX_PER_ADDRESS, now));
  }

  public void failed(String username, String address) {
    long now = System.currentTimeMillis();
    if (failures.size() > MAX_ENTRIES) {
      failures.keySet().forEach(k -> failures.computeIfPresent(k, (key, v) -> expired(v, now) ? null : v));
    }
    increment("u:" + username, now);
    increment("a:" + address, now);
  }

  public void succeeded(String username) {
    failures.remove("u:" + username);
  }

  private long blocked(String key, int max, long now) {
    String v = failures.get(key);
    if (v == null || expired(v, now) || count(v) < max) {
      return 0;
    }
    return Math.max(1, (start(v) + WINDOW_MILLIS - now + 999) / 1000);
  }

  private void increment(String key, long now) {
    failures.compute(key, (k, v) -> v == null || expired(v, now) ? now + ":1" : start(v) + ":" + (count(v) + 1));
  }

  private static boolean expired(String v, long now) {
    return start(v) + WINDOW_MILLIS <= now;
  }

  private static long start(String v) {
    return Long.parseLong(v.substring(0, v.indexOf(':')));
  }

  private static int count(String v) {
    return Integer.parseInt(v.substring(v.indexOf(':') + 1));
  }
}
