package io.callstream.auth;

import io.callstream.config.SessionConfig;
import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;

/**
 * A session beyond one token (docs/sessions.md). {@code POST /auth/refresh}: a still-valid token of
 * an enabled user, not signed out, within SESSION_MAX_HOURS of its sign-in, gets a new token (the
 * role and generation read now, the sign-in time kept). {@code POST /auth/logout}: every token of
 * the user issued so far is revoked (the user's token generation is raised), on every node within
 * REVOCATION_CHECK_SECONDS; 204.
 */
public final class SessionRoutes {
  private final Pool pool;
  private final Tokens tokens;
  private final AuthHandler auth;
  private final Revocations revocations;
  private final SessionConfig config;
  private final UserRepository users = new UserRepository();

  public SessionRoutes(
      Pool pool, Tokens tokens, AuthHandler auth, Revocations revocations, SessionConfig config) {
    this.pool = pool;
    this.tokens = tokens;
    this.auth = auth;
    this.revocations = revocations;
    this.config = config;
  }

  public void addRoutes(Router router) {
    router
        .post("/auth/refresh")
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::refresh);
    router.post("/auth/logout").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::logout);
  }

  private void refresh(RoutingContext ctx) {
    TokenClaims claims = ctx.get(AuthHandler.CLAIMS);
    Instant sessionEnd = claims.authTime().plus(Duration.ofHours(config.maxHours()));
    long left = Duration.between(Instant.now(), sessionEnd).getSeconds();
    if (left < 1) {
      ctx.fail(
          Failure.unauthenticated(
                  "the session is older than SESSION_MAX_HOURS ("
                      + config.maxHours()
                      + "): sign in again")
              .withCode(ErrorCode.TOKEN_EXPIRED));
      return;
    }
    users
        .session(pool, claims.subject())
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(revoked("user disabled or unknown"));
              }
              User.Session s = found.get();
              revocations.update(claims.subject(), s.generation());
              if (claims.generation() < s.generation()) {
                return Future.failedFuture(revoked("signed out: sign in again"));
              }
              int seconds = (int) Math.min(tokens.ttlSeconds(), left);
              return Future.succeededFuture(
                  new JsonObject()
                      .put(
                          "access_token",
                          tokens.issue(
                              claims.subject(),
                              s.role(),
                              s.generation(),
                              claims.authTime(),
                              seconds))
                      .put("token_type", "bearer")
                      .put("expires_in", seconds)
                      .put("session_expires_at", sessionEnd.toString()));
            })
        .onSuccess(
            body -> Responses.json(ctx.response().putHeader("Cache-Control", "no-store"), body))
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    TokenClaims claims = ctx.get(AuthHandler.CLAIMS);
    users
        .signOut(pool, claims.subject())
        .compose(
            generation -> {
              if (generation.isEmpty()) {
                return Future.failedFuture(
                    Failure.conflict(
                        "'"
                            + claims.subject()
                            + "' has no user account: its tokens cannot be revoked, they expire"));
              }
              revocations.update(claims.subject(), generation.get());
              return ctx.response().setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private static Failure revoked(String why) {
    return Failure.unauthenticated(why).withCode(ErrorCode.TOKEN_REVOKED);
  }
}
