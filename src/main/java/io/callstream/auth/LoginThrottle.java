package io.callstream.auth;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import java.util.logging.Logger;

/**
 * Limits login attempts per username and per client address on this node (shared by its verticle
 * instances): more than {@link #MAX_PER_USER} failures for one username, or {@link
 * #MAX_PER_ADDRESS} from one address, within {@link #WINDOW_MILLIS} block further attempts (429)
 * until the window ends.
 *
 * <p>An attempt is counted before its password is hashed ({@link #attempt}), atomically, so a burst
 * of parallel guesses cannot all pass the check while the first hashes are still running; a success
 * then takes it back ({@link #succeeded}), and so does an attempt that failed for another reason
 * ({@link #abandoned}).
 *
 * <p>Memory is bounded: at most {@link #MAX_ENTRIES} keys. Expired keys are swept on a worker
 * thread once the map passes {@link #SWEEP_AT}; while it is full, attempts under keys it does not
 * hold are refused (the throttle fails closed rather than letting a flood of fresh keys bypass it).
 */
public final class LoginThrottle {
  public static final int MAX_PER_USER = 10;
  public static final int MAX_PER_ADDRESS = 50;
  public static final long WINDOW_MILLIS = 5 * 60_000;
  static final int MAX_ENTRIES = 100_000;
  static final int SWEEP_AT = 10_000;
  static final String MAP = "callstream.auth.login-attempts";
  private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

  private final Vertx vertx;

  /** Values are {@code "<window start millis>:<attempts>"} (local maps take immutable values). */
  private final LocalMap<String, String> attempts;

  /**
   * When the node last started a sweep, kept node-wide beside the attempts (every verticle instance
   * has its own throttle object): at most one sweep per minute, however many keys are still live.
   */
  private final LocalMap<String, Long> lastSweep;

  private static final long SWEEP_EVERY_MILLIS = 60_000;

  public LoginThrottle(Vertx vertx) {
    this.vertx = vertx;
    this.attempts = vertx.sharedData().getLocalMap(MAP);
    this.lastSweep = vertx.sharedData().getLocalMap(MAP + ".sweep");
  }

  /**
   * Counts an attempt for this username and address. Returns 0 when it may proceed (and is now
   * counted), else the seconds until attempts are allowed again (nothing counted).
   */
  public long attempt(String username, String address) {
    long now = System.currentTimeMillis();
    if (attempts.size() > SWEEP_AT) {
      sweep();
    }
    String user = "u:" + username;
    String addr = "a:" + address;
    if (attempts.size() >= MAX_ENTRIES
        && !(attempts.containsKey(user) && attempts.containsKey(addr))) {
      LOG.warning(
          "login throttle full (" + MAX_ENTRIES + " keys); refusing attempts under new keys");
      return WINDOW_MILLIS / 1000;
    }
    if (!take(user, MAX_PER_USER, now)) {
      return blockedFor(user, now);
    }
    if (!take(addr, MAX_PER_ADDRESS, now)) {
      giveBack(user);
      return blockedFor(addr, now);
    }
    return 0;
  }

  /** The password was right: the username starts afresh and the address gets its attempt back. */
  public void succeeded(String username, String address) {
    attempts.remove("u:" + username);
    giveBack("a:" + address);
  }

  /** The attempt could not be checked (database down): it does not count. */
  public void abandoned(String username, String address) {
    giveBack("u:" + username);
    giveBack("a:" + address);
  }

  /**
   * Increments the key's count when below {@code max}; false (unchanged) when the limit is reached.
   */
  private boolean take(String key, int max, long now) {
    boolean[] taken = new boolean[1];
    attempts.compute(
        key,
        (k, v) -> {
          if (v == null || expired(v, now)) {
            taken[0] = true;
            return now + ":1";
          }
          if (count(v) >= max) {
            return v;
          }
          taken[0] = true;
          return start(v) + ":" + (count(v) + 1);
        });
    return taken[0];
  }

  private void giveBack(String key) {
    attempts.computeIfPresent(
        key, (k, v) -> count(v) <= 1 ? null : start(v) + ":" + (count(v) - 1));
  }

  private long blockedFor(String key, long now) {
    String v = attempts.get(key);
    return v == null ? 1 : Math.max(1, (start(v) + WINDOW_MILLIS - now + 999) / 1000);
  }

  /**
   * Removes expired keys on a worker thread: iterating 10,000+ entries is no job for an event loop.
   */
  private void sweep() {
    long started = System.currentTimeMillis();
    Long last = lastSweep.putIfAbsent("at", started);
    if (last != null
        && (started - last < SWEEP_EVERY_MILLIS
            || !lastSweep.replaceIfPresent("at", last, started))) {
      return;
    }
    vertx.executeBlocking(
        () -> {
          long now = System.currentTimeMillis();
          attempts.forEach(
              (k, v) -> {
                if (expired(v, now)) {
                  attempts.removeIfPresent(k, v);
                }
              });
          return null;
        },
        false);
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
