package io.callstream.auth;

import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Route protection, in one place: {@code Authorization: Bearer <JWT>} verified with {@link Tokens}
 * (401 when missing or invalid) and {@link Revocations} (401 TOKEN_REVOKED after a sign-out or when
 * the user was disabled), then the role checked (403 when the token's role may not do it; admins
 * may do what dispatchers may). The verified claims are left in the context under {@link #CLAIMS}.
 */
public final class AuthHandler {
  public static final String CLAIMS = "callstream.claims";

  private final Tokens tokens;
  private final Revocations revocations;

  public AuthHandler(Tokens tokens, Revocations revocations) {
    this.tokens = tokens;
    this.revocations = revocations;
  }

  /** The claims of a valid token that was not revoked (sign-out, user disabled). */
  public io.vertx.core.Future<TokenClaims> verify(String token) {
    return tokens.verify(token).compose(revocations::check);
  }

  /**
   * A handler that lets the request through only with a valid token whose role may act as {@code
   * role}.
   */
  public Handler<RoutingContext> require(String role) {
    return ctx -> {
      String token = Tokens.bearer(ctx.request().getHeader("Authorization"));
      if (token == null || token.isEmpty()) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        ctx.fail(Failure.unauthenticated("missing bearer token"));
        return;
      }
      verify(token)
          .onComplete(
              ar -> {
                if (ar.failed() && ar.cause() instanceof Failure revoked) {
                  ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                  ctx.fail(revoked);
                } else if (ar.failed()) {
                  ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                  Failure refused = Failure.unauthenticated(ar.cause().getMessage());
                  ctx.fail(
                      ar.cause() instanceof Tokens.InvalidToken t && t.expired()
                          ? refused.withCode(ErrorCode.TOKEN_EXPIRED)
                          : refused);
                } else if (!ar.result().mayAct(role)) {
                  ctx.fail(
                      Failure.forbidden(
                          "role '"
                              + ar.result().role()
                              + "' may not do this (needs "
                              + role
                              + ")"));
                } else {
                  ctx.put(CLAIMS, ar.result());
                  ctx.next();
                }
              });
    };
  }
}
