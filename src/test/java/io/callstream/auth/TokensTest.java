package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.config.Config;
import io.callstream.support.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens.verify accepts only HS256 tokens signed with SECRET_KEY, carrying sub, role and a future
 * exp.
 */
class TokensTest {
  static Vertx vertx;
  static Tokens tokens;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx, new Config.Auth(TestConfig.SECRET_KEY, 600));
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
  }

  @Test
  void issuedTokenIsValid() throws Exception {
    TokenClaims claims = get(tokens.verify(tokens.issue("ann", TokenClaims.DISPATCHER)));
    assertEquals("ann", claims.subject());
    assertEquals(TokenClaims.DISPATCHER, claims.role());
    long ttl = claims.expiresAt().getEpochSecond() - System.currentTimeMillis() / 1000;
    assertTrue(ttl > 590 && ttl <= 600, "ttl " + ttl);
  }

  @Test
  void handSignedHs256TokenWithExpIsValid() throws Exception {
    String token = sign("HS256", TestConfig.SECRET_KEY, claims(600));
    assertEquals("ann", get(tokens.verify(token)).subject());
  }

  @Test
  void algNoneIsRefused() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String token = header + "." + b64(claims(600).encode()) + ".";
    assertInvalid(token, false);
  }

  @Test
  void otherKeyIsRefused() {
    assertInvalid(
        sign("HS256", "another-secret-key-that-is-at-least-32-bytes", claims(600)), false);
  }

  @Test
  void hs512IsRefused() {
    assertInvalid(sign("HS512", TestConfig.SECRET_KEY, claims(600)), false);
  }

  @Test
  void tokenWithoutExpIsRefused() {
    JsonObject noExp = claims(600);
    noExp.remove("exp");
    assertInvalid(sign("HS256", TestConfig.SECRET_KEY, noExp), false);
  }

  @Test
  void expiredTokenIsRefusedAsExpired() {
    assertInvalid(sign("HS256", TestConfig.SECRET_KEY, claims(-30)), true);
  }

  @Test
  void missingOrGarbageTokenIsRefused() {
    assertInvalid(null, false);
    assertInvalid("", false);
    assertInvalid("not.a.jwt", false);
  }

  @Test
  void bearerHeaderParsing() {
    assertEquals("abc", Tokens.bearer("Bearer abc"));
    assertEquals("abc", Tokens.bearer("bearer  abc "));
    assertEquals(null, Tokens.bearer("Basic abc"));
    assertEquals(null, Tokens.bearer(null));
  }

  private static JsonObject claims(long expiresInSeconds) {
    return new JsonObject()
        .put("sub", "ann")
        .put("role", TokenClaims.DISPATCHER)
        .put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds);
  }

  private static String sign(String algorithm, String secret, JsonObject claims) {
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(algorithm));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertInvalid(String token, boolean expired) {
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> get(tokens.verify(token)));
    Tokens.InvalidToken invalid = assertInstanceOf(Tokens.InvalidToken.class, e.getCause());
    assertEquals(expired, invalid.expired(), invalid.getMessage());
    assertFalse(invalid.getMessage().contains(token == null || token.isEmpty() ? "\u0000" : token));
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
