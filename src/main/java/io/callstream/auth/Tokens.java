package io.callstream.auth;

import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import java.time.Instant;

/**
 * HS256 JWTs signed with SECRET_KEY (contract §3): claims sub, role, iat, exp. Verification refuses other
 * algorithms (including none), other keys, expired tokens and tokens without exp or role.
 */
public final class Tokens {
  /** Why a token was refused. */
  public static final class InvalidToken extends RuntimeException {
    private final boolean expired;

    InvalidToken(String message, boolean expired) {
      super(message, null, false, false);
      this.expired = expired;
    }

    public boolean expired() {
      return expired;
    }
  }

  private final JWTAuth jwt;
  private final int ttlSeconds;

  public Tokens(Vertx vertx, Config.Auth auth) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.secretKey()))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(0)));
    this.ttlSeconds = auth.jwtTtlSeconds();
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  public String issue(String username, String role) {
    return jwt.generateToken(new JsonObject().put("sub", username).put("role", role),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
  }

  /** The claims of a valid token; fails with {@link InvalidToken} otherwise. */
  public Future<TokenClaims> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new InvalidToken("missing token", false));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> {
          String m = String.valueOf(e.getMessage());
          return Future.failedFuture(new InvalidToken(m.toLowerCase().contains("expired") ? "token expired"
              : "invalid token", m.toLowerCase().contains("expired")));
        })
        .compose(user -> {
          // Vert.x keeps the verified claims in the attributes; the principal holds only access_token
          JsonObject p = user.attributes().getJsonObject("accessToken", user.principal());
          Object exp = p.getValue("exp");
          String sub = p.getString("sub");
          String role = p.getString("role");
          if (!(exp instanceof Number n) || sub == null || role == null) {
            return Future.failedFuture(new InvalidToken("token lacks exp, sub or role", false));
          }
          Instant expiresAt = Instant.ofEpochSecond(n.longValue());
          if (!expiresAt.isAfter(Instant.now())) {
            return Future.failedFuture(new InvalidToken("token expired", true));
          }
          return Future.succeededFuture(new TokenClaims(sub, role, expiresAt));
        });
  }

  /** The token of an {@code Authorization: Bearer} header value, or null. */
  public static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.trim();
    return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
  }
}
