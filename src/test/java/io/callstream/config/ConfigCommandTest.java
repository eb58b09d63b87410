package io.callstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Main;
import io.callstream.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A missing or malformed setting stops start-up with exit code 2 and one line naming it. */
class ConfigCommandTest {

  private record Outcome(int code, String stderr) {}

  private static Outcome run(Map<String, String> env, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(List.of(args), env);
      return new Outcome(code, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  private static Map<String, String> valid() {
    return new HashMap<>(TestConfig.env("public"));
  }

  private static void assertConfigError(Map<String, String> env, String expected) {
    Outcome o = run(env, "serve");
    assertEquals(2, o.code(), o.stderr());
    List<String> lines = o.stderr().lines().toList();
    assertEquals(1, lines.size(), o.stderr());
    assertTrue(lines.get(0).startsWith("callstream: configuration error: "), lines.get(0));
    assertTrue(lines.get(0).contains(expected), lines.get(0));
  }

  @Test
  void missingSecretKey() {
    Map<String, String> env = valid();
    env.remove("SECRET_KEY");
    assertConfigError(env, "SECRET_KEY is required");
  }

  @Test
  void shortSecretKey() {
    Map<String, String> env = valid();
    env.put("SECRET_KEY", "too-short");
    assertConfigError(env, "SECRET_KEY must be at least 32 bytes");
  }

  @Test
  void malformedValues() {
    Map<String, String> env = valid();
    env.put("HTTP_PORT", "eighty");
    assertConfigError(env, "HTTP_PORT must be a whole number");
    env = valid();
    env.put("DATABASE_URL", "mysql://x@y/z");
    assertConfigError(env, "DATABASE_URL is malformed");
    env = valid();
    env.put("CLUSTER_ENABLED", "maybe");
    assertConfigError(env, "CLUSTER_ENABLED must be true or false");
    env = valid();
    env.put("CLUSTER_MEMBERS", "10.0.0.1:5701,host-without-port");
    assertConfigError(env, "CLUSTER_MEMBERS");
    env = valid();
    env.put("LOG_FORMAT", "xml");
    assertConfigError(env, "LOG_FORMAT");
    env = valid();
    env.remove("DATABASE_URL");
    assertConfigError(env, "DATABASE_URL is required");
  }

  @Test
  void webhookSecretRequiredUnlessUnsignedAllowed() {
    Map<String, String> env = valid();
    env.remove("ELEVENLABS_WEBHOOK_SECRET");
    assertConfigError(env, "ELEVENLABS_WEBHOOK_SECRET is required");
    env.put("WEBHOOK_ALLOW_UNSIGNED", "true");
    Config config = Config.from(Settings.of(env));
    assertTrue(config.webhooks().allowUnsigned());
  }

  @Test
  void databaseUrlIsParsed() {
    Config.Database db =
        Config.database("postgresql://u%40x:p%3Ass@db.example:6543/calls", "s1", 3);
    assertEquals("u@x", db.user());
    assertEquals("p:ss", db.password());
    assertEquals("db.example", db.host());
    assertEquals(6543, db.port());
    assertEquals("calls", db.database());
    assertTrue(!db.toString().contains("p:ss"), "password must not be printed");
  }

  @Test
  void unknownCommand() {
    assertEquals(2, run(valid(), "frobnicate").code());
  }
}
