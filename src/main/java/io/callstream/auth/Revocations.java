package io.callstream.auth;

import io.callstream.auth.UserRepository.SessionState;
import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Whether a verified token still stands: refused when its user was disabled ({@code callstream user
 * disable}) or signed out since it was issued (its {@code gen} is below the user's {@code
 * token_generation}, docs/sessions.md). What a node read about a user is trusted for
 * REVOCATION_CHECK_SECONDS, then read again: that is the bound within which every node honours a
 * sign-out. One per verticle instance, used on its event loop only; concurrent reads of one user
 * share one query. While the database cannot be reached the last state read (else "not revoked")
 * stands: the token's signature and expiry still decide, as before revocation existed.
 */
public final class Revocations {
  private static final Logger LOG = Logger.getLogger(Revocations.class.getName());
  static final int MAX_ENTRIES = 10_000;

  private record Entry(SessionState state, long readAtMillis) {}

  private final Pool pool;
  private final long trustMillis;
  private final UserRepository users = new UserRepository();
  private final Map<String, Entry> known = new HashMap<>();
  private final Map<String, Future<SessionState>> reading = new HashMap<>();

  public Revocations(Pool pool, int checkSeconds) {
    this.pool = pool;
    this.trustMillis = checkSeconds * 1000L;
  }

  /**
   * Succeeds when the token stands; fails with a 401 {@link Failure} coded TOKEN_REVOKED otherwise.
   */
  public Future<TokenClaims> check(TokenClaims claims) {
    return refusal(claims.subject(), claims.generation())
        .compose(
            why ->
                why == null
                    ? Future.succeededFuture(claims)
                    : Future.failedFuture(
                        Failure.unauthenticated(why).withCode(ErrorCode.TOKEN_REVOKED)));
  }

  /** Null when a token of this user and generation stands, else why it does not. */
  public Future<String> refusal(String subject, int generation) {
    return state(subject).map(s -> refusal(s, generation));
  }

  /**
   * As {@link #refusal(String, int)}, read from the database now (a WebSocket upgrade or token
   * refresh: rare enough to pay one query, and a re-enabled user gets in at once).
   */
  public Future<String> refusalNow(String subject, int generation) {
    return states(List.of(subject)).map(m -> refusal(m.get(subject), generation));
  }

  /** Null when a token of this generation stands with this state, else why it does not. */
  public static String refusal(SessionState state, int generation) {
    if (state.disabled()) {
      return "user disabled";
    }
    return generation < state.generation() ? "signed out: sign in again" : null;
  }

  /** The user's state, read again when what this instance knows is older than the bound. */
  public Future<SessionState> state(String subject) {
    Entry e = known.get(subject);
    if (e != null && System.currentTimeMillis() - e.readAtMillis() < trustMillis) {
      return Future.succeededFuture(e.state());
    }
    Future<SessionState> pending = reading.get(subject);
    if (pending != null) {
      return pending;
    }
    Future<SessionState> read =
        states(List.of(subject))
            .map(m -> m.get(subject))
            .eventually(() -> Future.succeededFuture(reading.remove(subject)));
    reading.put(subject, read);
    return read;
  }

  /**
   * The states of these users, read now (one query; what the WebSocket's periodic check uses). A
   * name without a row is {@link SessionState#NONE}.
   */
  public Future<Map<String, SessionState>> states(Collection<String> subjects) {
    long now = System.currentTimeMillis();
    return users
        .states(pool, subjects)
        .map(
            found -> {
              Map<String, SessionState> all = new HashMap<>();
              for (String s : subjects) {
                all.put(s, found.getOrDefault(s, SessionState.NONE));
              }
              remember(all, now);
              return all;
            })
        .recover(
            err -> {
              LOG.warning("could not read users' session state: " + err.getMessage());
              Map<String, SessionState> last = new HashMap<>();
              for (String s : subjects) {
                Entry e = known.get(s);
                last.put(s, e == null ? SessionState.NONE : e.state());
              }
              return Future.succeededFuture(last);
            });
  }

  /**
   * The generation of an enabled user, just read or raised by a sign-out on this instance: known at
   * once here (other instances within the bound).
   */
  public void update(String subject, int generation) {
    remember(Map.of(subject, new SessionState(generation, false)), System.currentTimeMillis());
  }

  private void remember(Map<String, SessionState> states, long readAt) {
    if (known.size() + states.size() > MAX_ENTRIES) {
      known.clear();
    }
    states.forEach((k, v) -> known.put(k, new Entry(v, readAt)));
  }
}
