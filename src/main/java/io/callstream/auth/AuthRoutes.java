package io.callstream.auth;

import io.callstream.failure.Failure;
import io.callstream.web.ApiInput;
import io.callstream.web.ClientAddress;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Optional;

/**
 * {@code POST /auth/token}: {@code {username, password}} to a JWT. Wrong username and wrong
 * password give the same 401 after the same work (a dummy hash is checked for unknown users) and a
 * short delay; too many failures give 429 ({@link LoginThrottle}, which counts each attempt before
 * its hash is checked and tells clients behind trusted proxies apart by {@link ClientAddress}).
 * Hashes are checked on a worker thread, never on the event loop.
 */
public final class AuthRoutes {
  static final long FAILURE_DELAY_MILLIS = 250;
  private static final String BAD_CREDENTIALS = "invalid username or password";

  private final Vertx vertx;
  private final Pool pool;
  private final Tokens tokens;
  private final LoginThrottle throttle;
  private final ClientAddress clientAddress;
  private final UserRepository users = new UserRepository();

  public AuthRoutes(Vertx vertx, Pool pool, Tokens tokens, ClientAddress clientAddress) {
    this.vertx = vertx;
    this.pool = pool;
    this.tokens = tokens;
    this.throttle = new LoginThrottle(vertx);
    this.clientAddress = clientAddress;
  }

  public void addRoutes(Router router) {
    router.post("/auth/token").handler(ApiInput.body()).handler(this::token);
  }

  private void token(RoutingContext ctx) {
    JsonObject body = ApiInput.object(ctx);
    String username = ApiInput.string(body, "username", 100);
    Object password = body.getValue("password");
    if (!(password instanceof String p) || p.isEmpty() || p.length() > Passwords.MAX_LENGTH) {
      throw Failure.invalid("'password' is required and must be a non-empty string");
    }
    String address = clientAddress.of(ctx.request());
    long blocked = throttle.attempt(username, address);
    if (blocked > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(blocked));
      throw Failure.throttled("too many failed logins, retry later");
    }
    users
        .find(pool, username)
        .compose(user -> check(user, p))
        .onSuccess(
            user -> {
              throttle.succeeded(username, address);
              Responses.json(
                  ctx.response().putHeader("Cache-Control", "no-store"),
                  new JsonObject()
                      .put(
                          "access_token",
                          tokens.issue(
                              user.username(),
                              user.role(),
                              user.tokenGeneration(),
                              java.time.Instant.now()))
                      .put("token_type", "bearer")
                      .put("expires_in", tokens.ttlSeconds()));
            })
        .onFailure(
            e -> {
              if (e instanceof Failure f && f.is(Failure.Kind.UNAUTHENTICATED)) {
                vertx.setTimer(FAILURE_DELAY_MILLIS, t -> ctx.fail(e));
              } else {
                throttle.abandoned(username, address);
                ctx.fail(e);
              }
            });
  }

  private Future<User> check(Optional<User> user, String password) {
    String hash = user.map(User::passwordHash).orElse(null);
    return vertx
        .executeBlocking(() -> Passwords.verify(password, hash), false)
        .compose(
            ok ->
                ok && user.isPresent()
                    ? Future.succeededFuture(user.get())
                    : Future.failedFuture(Failure.unauthenticated(BAD_CREDENTIALS)));
  }
}
