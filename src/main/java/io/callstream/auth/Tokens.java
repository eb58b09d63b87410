package io.callstream.auth;

import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * HS256 JWTs signed with SECRET_KEY (docs/http-api.md): claims sub, role, gen, auth_time, iat, exp;
 * header kid names the key. Verification refuses other algorithms (including none), other keys,
 * expired tokens and tokens without exp or role. During a key rotation the previous keys
 * (SECRET_KEYS_PREVIOUS) verify too (docs/secrets.md).
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

  /** One HS256 key: its id (the {@code kid} header of the tokens it signs) and its verifier. */
  private record Key(String kid, JWTAuth jwt) {}

  /**
   * The signing key first (SECRET_KEY), then the previous keys (SECRET_KEYS_PREVIOUS), which only
   * verify.
   */
  private final List<Key> keys;

  private final int ttlSeconds;

  public Tokens(Vertx vertx, Config.Auth auth) {
    List<Key> all = new ArrayList<>();
    all.add(key(vertx, auth.secretKey()));
    auth.previousKeys().forEach(k -> all.add(key(vertx, k)));
    this.keys = List.copyOf(all);
    this.ttlSeconds = auth.jwtTtlSeconds();
  }

  private static Key key(Vertx vertx, String secret) {
    String kid = kid(secret);
    return new Key(
        kid,
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret).setId(kid))
                .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(0))));
  }

  /**
   * A key's id: the first 8 hex digits of its SHA-256 (names the key, reveals nothing usable about
   * it).
   */
  public static String kid(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** A new session's first token: generation 0 (a user without a row), signed in now. */
  public String issue(String username, String role) {
    return issue(username, role, 0, Instant.now());
  }

  /**
   * Signed with SECRET_KEY, its {@code kid} in the header; {@code gen} and {@code auth_time} carry
   * the user's token generation and when the password was given (docs/sessions.md).
   */
  public String issue(String username, String role, int generation, Instant authTime) {
    return issue(username, role, generation, authTime, ttlSeconds);
  }

  /** As {@link #issue(String, String, int, Instant)}, valid for {@code seconds}. */
  public String issue(String username, String role, int generation, Instant authTime, int seconds) {
    return sign(
        new JsonObject()
            .put("sub", username)
            .put("role", role)
            .put("gen", generation)
            .put("auth_time", authTime.getEpochSecond()),
        seconds);
  }

  /** Any claims, signed like a token, valid for {@code seconds} (exp and iat added). */
  String sign(JsonObject claims, int seconds) {
    Key signing = keys.get(0);
    return signing
        .jwt()
        .generateToken(
            claims,
            new JWTOptions()
                .setAlgorithm("HS256")
                .setExpiresInSeconds(seconds)
                .setHeader(new JsonObject().put("kid", signing.kid())));
  }

  /**
   * The key a token names by its {@code kid} (an unknown kid: none), or every key in turn for a
   * token without one (tokens issued before key ids existed).
   */
  private Future<User> authenticate(String token) {
    String kid;
    try {
      kid =
          new JsonObject(
                  new String(
                      Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                      StandardCharsets.UTF_8))
              .getString("kid");
    } catch (RuntimeException e) {
      return Future.failedFuture(new InvalidToken("invalid token", false));
    }
    Future<User> result =
        Future.failedFuture(new InvalidToken("invalid token: unknown key", false));
    for (Key key : keys) {
      if (kid == null) {
        // an expired token signed by an earlier key in the list stays "expired", whatever the later
        // keys say
        result =
            result.recover(
                e ->
                    String.valueOf(e.getMessage()).toLowerCase().contains("expired")
                        ? Future.failedFuture(e)
                        : key.jwt().authenticate(new TokenCredentials(token)));
      } else if (kid.equals(key.kid())) {
        return key.jwt().authenticate(new TokenCredentials(token));
      }
    }
    return result;
  }

  /** The claims of a valid token; fails with {@link InvalidToken} otherwise. */
  public Future<TokenClaims> verify(String token) {
    return verifiedClaims(token)
        .compose(
            p -> {
              String sub = p.getString("sub");
              String role = p.getValue("role") instanceof String r ? r : null;
              if (sub == null || role == null) {
                return Future.failedFuture(new InvalidToken("token lacks exp, sub or role", false));
              }
              Object gen = p.getValue("gen");
              Object authTime = p.getValue("auth_time", p.getValue("iat"));
              return Future.succeededFuture(
                  new TokenClaims(
                      sub,
                      role,
                      Instant.ofEpochSecond(p.getLong("exp")),
                      gen instanceof Number g ? g.intValue() : 0,
                      authTime instanceof Number a
                          ? Instant.ofEpochSecond(a.longValue())
                          : Instant.EPOCH));
            });
  }

  /**
   * The claims of a token signed by one of the keys and not expired (it has an {@code exp}); fails
   * with {@link InvalidToken} otherwise.
   */
  Future<JsonObject> verifiedClaims(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new InvalidToken("missing token", false));
    }
    return authenticate(token)
        .recover(
            e -> {
              String m = String.valueOf(e.getMessage());
              return Future.failedFuture(
                  new InvalidToken(
                      m.toLowerCase().contains("expired") ? "token expired" : "invalid token",
                      m.toLowerCase().contains("expired")));
            })
        .compose(
            user -> {
              // Vert.x keeps the verified claims in the attributes; the principal holds only
              // access_token
              JsonObject p = user.attributes().getJsonObject("accessToken", user.principal());
              if (!(p.getValue("exp") instanceof Number n)) {
                return Future.failedFuture(new InvalidToken("token lacks exp, sub or role", false));
              }
              if (!Instant.ofEpochSecond(n.longValue()).isAfter(Instant.now())) {
                return Future.failedFuture(new InvalidToken("token expired", true));
              }
              return Future.succeededFuture(p);
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
