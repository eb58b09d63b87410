package io.callstream.auth;

import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Route protection, in one place: {@code Authorization: Bearer <JWT>} verified with {@link Tokens}
 * (401 when missing or invalid), then the role checked (403 when the token's role may not do it;
 * admins may do what dispatchers may). The verified claims are left in the context under {@link
 * #CLAIMS}.
 */
public final class AuthHandler {
  public static final String CLAIMS = "callstream.claims";

  private final Tokens tokens;

  public AuthHandler(Tokens tokens) {
    this.tokens = tokens;
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
      tokens
          .verify(token)
          .onComplete(
              ar -> {
                if (ar.failed()) {
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
