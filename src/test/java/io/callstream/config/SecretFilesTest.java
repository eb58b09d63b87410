package io.callstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.CliRun;
import io.callstream.support.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every secret setting may come from a file (X_FILE): read once, trailing line break dropped, never
 * both.
 */
class SecretFilesTest {
  @TempDir Path dir;

  Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  Map<String, String> env() {
    return new HashMap<>(TestConfig.env("public"));
  }

  @Test
  void secretsAreReadFromTheirFiles() throws IOException {
    Map<String, String> env = env();
    env.remove("SECRET_KEY");
    env.remove("ELEVENLABS_WEBHOOK_SECRET");
    env.put(
        "SECRET_KEY_FILE",
        file("secret_key", "a-secret-key-from-a-file-of-32-bytes-or-more\n").toString());
    env.put(
        "SECRET_KEYS_PREVIOUS_FILE",
        file(
                "previous",
                "previous-key-number-one-of-32-bytes-or-more\n"
                    + "previous-key-number-two-of-32-bytes-or-more\n")
            .toString());
    env.put(
        "ELEVENLABS_WEBHOOK_SECRET_FILE", file("webhook", "whsec_new\nwhsec_old\r\n").toString());
    env.put("TWILIO_AUTH_TOKEN_FILE", file("twilio", "twilio-token\n").toString());
    env.put("TRANSCRIPTION_WEBHOOK_TOKEN_FILE", file("tt", "t".repeat(32) + "\n").toString());
    env.put("SENTRY_DSN_FILE", file("dsn", "https://key@sentry.example/1\n").toString());
    env.put("ELEVENLABS_API_KEY_FILE", file("el", "sk_from_file\n").toString());
    env.put("DB_PASSWORD_FILE", file("dbpass", "pass-from-file\n").toString());
    Config config = Config.from(Settings.of(env));
    assertEquals("a-secret-key-from-a-file-of-32-bytes-or-more", config.auth().secretKey());
    assertEquals(
        List.of(
            "previous-key-number-one-of-32-bytes-or-more",
            "previous-key-number-two-of-32-bytes-or-more"),
        config.auth().previousKeys());
    assertEquals(List.of("whsec_new", "whsec_old"), config.webhooks().secrets());
    assertEquals("twilio-token", config.twilio().authToken());
    assertEquals("t".repeat(32), config.webhooks().transcriptionToken());
    assertEquals("https://key@sentry.example/1", config.ops().sentryDsn());
    assertEquals("sk_from_file", config.elevenLabs().apiKey());
    assertEquals("pass-from-file", config.database().password());

    env.remove("DB_PASSWORD_FILE");
    env.remove("DATABASE_URL");
    env.put(
        "DATABASE_URL_FILE",
        file("url", "postgresql://u:p%40ss@db.example:5433/calls\n").toString());
    Config.Database db = Config.from(Settings.of(env)).database();
    assertEquals("p@ss", db.password());
    assertEquals(5433, db.port());
  }

  @Test
  void valueAndFileTogetherIsAConfigurationErrorWithExitCode2() throws IOException {
    Map<String, String> env = env();
    env.put(
        "SECRET_KEY_FILE",
        file("secret_key", "a-secret-key-from-a-file-of-32-bytes-or-more").toString());
    ConfigException e = assertThrows(ConfigException.class, () -> Config.from(Settings.of(env)));
    assertEquals("set SECRET_KEY or SECRET_KEY_FILE, not both", e.getMessage());
    CliRun r = CliRun.run(env, "config", "check");
    assertEquals(2, r.code(), r.toString());
    assertEquals(
        List.of("callstream: configuration error: set SECRET_KEY or SECRET_KEY_FILE, not both"),
        r.err().lines().toList());
  }

  @Test
  void anUnreadableOrEmptyFileIsAConfigurationError() throws IOException {
    Map<String, String> env = env();
    env.remove("SECRET_KEY");
    env.put("SECRET_KEY_FILE", dir.resolve("missing").toString());
    ConfigException missing =
        assertThrows(ConfigException.class, () -> Config.from(Settings.of(env)));
    assertTrue(
        missing.getMessage().startsWith("SECRET_KEY_FILE: cannot read "), missing.getMessage());
    env.put("SECRET_KEY_FILE", file("empty", "\n").toString());
    ConfigException empty =
        assertThrows(ConfigException.class, () -> Config.from(Settings.of(env)));
    assertTrue(empty.getMessage().endsWith(" is empty"), empty.getMessage());
  }
}
