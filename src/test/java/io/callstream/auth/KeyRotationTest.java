package io.callstream.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.config.Config;
import io.callstream.config.ConfigException;
import io.callstream.support.Await;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT key rotation: the newest key (SECRET_KEY) signs with a kid header, the previous keys
 * (SECRET_KEYS_PREVIOUS) still verify, and once a key is no longer listed its tokens are refused.
 * Tokens without kid verify against all.
 */
class KeyRotationTest {
  static final String OLD = "the-old-secret-key-of-at-least-32-bytes!";
  static final String NEW = "the-new-secret-key-of-at-least-32-bytes!";
  static Vertx vertx;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
  }

  static Tokens tokens(String key, String... previous) {
    return new Tokens(vertx, new Config.Auth(key, 600, List.of(previous)));
  }

  static String kidOf(String token) {
    return new JsonObject(
            new String(
                Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8))
        .getString("kid");
  }

  static void assertRefused(Future<TokenClaims> verification) {
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () -> verification.toCompletionStage().toCompletableFuture().join());
    assertInstanceOf(Tokens.InvalidToken.class, e.getCause());
  }

  @Test
  void aTokenOfThePreviousKeyVerifiesWhileListedAndIsRefusedAfter() {
    String before = tokens(OLD).issue("ann", TokenClaims.DISPATCHER);
    assertEquals(Tokens.kid(OLD), kidOf(before));
    assertEquals(8, Tokens.kid(OLD).length());

    Tokens during = tokens(NEW, OLD);
    assertEquals("ann", Await.result(during.verify(before)).subject());
    String fresh = during.issue("bob", TokenClaims.ADMIN);
    assertEquals(Tokens.kid(NEW), kidOf(fresh), "the newest key signs");
    assertEquals("bob", Await.result(during.verify(fresh)).subject());

    Tokens after = tokens(NEW);
    assertRefused(after.verify(before));
    assertEquals("bob", Await.result(after.verify(fresh)).subject());
    // and a node still on the old key alone does not take the new key's tokens
    assertRefused(tokens(OLD).verify(fresh));
  }

  @Test
  void tokensWithoutKidVerifyAgainstEveryListedKey() {
    String noKid =
        JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                    .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(OLD)))
            .generateToken(
                new JsonObject().put("sub", "cy").put("role", "dispatcher"),
                new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(600));
    assertEquals(null, kidOf(noKid));
    assertEquals("cy", Await.result(tokens(NEW, OLD).verify(noKid)).subject());
    assertEquals("cy", Await.result(tokens(OLD).verify(noKid)).subject());
    assertRefused(tokens(NEW).verify(noKid));
  }

  @Test
  void aTokenNamingAnUnknownKeyIsRefused() {
    String token = tokens(OLD).issue("ann", TokenClaims.DISPATCHER);
    String[] parts = token.split("\\.");
    String header =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new JsonObject()
                    .put("alg", "HS256")
                    .put("typ", "JWT")
                    .put("kid", "00000000")
                    .encode()
                    .getBytes(StandardCharsets.UTF_8));
    assertRefused(tokens(NEW, OLD).verify(header + "." + parts[1] + "." + parts[2]));
  }

  @Test
  void previousKeysAreReadFromTheSettings() {
    Config config =
        TestConfig.config(
            "public", Map.of("SECRET_KEY", NEW, "SECRET_KEYS_PREVIOUS", OLD + ", " + OLD + "x"));
    assertEquals(List.of(OLD, OLD + "x"), config.auth().previousKeys());
    assertTrue(!config.auth().toString().contains(OLD));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> TestConfig.config("public", Map.of("SECRET_KEYS_PREVIOUS", "short")));
    assertTrue(e.getMessage().startsWith("SECRET_KEYS_PREVIOUS"), e.getMessage());
  }
}
