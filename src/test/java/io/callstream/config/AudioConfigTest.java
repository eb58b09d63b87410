package io.callstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.TestConfig;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * AUDIO_STORE and its settings: PostgreSQL with nothing set, S3 only complete, clear errors
 * otherwise.
 */
class AudioConfigTest {
  static Config config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(TestConfig.env("audio_config"));
    env.putAll(overrides);
    return Config.from(Settings.of(env));
  }

  @Test
  void postgresByDefaultKeepForeverAndAudioDirOnlyRemembered() {
    AudioConfig audio = config(Map.of("AUDIO_DIR", "/var/lib/callstream/audio")).audio();
    assertEquals("postgres", audio.store());
    assertNull(audio.s3());
    assertEquals(0, audio.retentionDays());
    assertEquals("/var/lib/callstream/audio", audio.legacyAudioDir());
  }

  @Test
  void s3Settings() {
    AudioConfig audio =
        config(
                Map.of(
                    "AUDIO_STORE",
                    "S3",
                    "AUDIO_S3_BUCKET",
                    "rec",
                    "AUDIO_S3_ENDPOINT",
                    "http://127.0.0.1:9000",
                    "AUDIO_S3_ACCESS_KEY",
                    "a",
                    "AUDIO_S3_SECRET_KEY",
                    "b",
                    "AUDIO_S3_PATH_STYLE",
                    "true"))
            .audio();
    assertTrue(audio.usesS3());
    assertEquals(URI.create("http://127.0.0.1:9000"), audio.s3().endpoint());
    assertEquals("recordings/", audio.s3().prefix());
    assertTrue(audio.s3().pathStyle());
    assertTrue(!audio.s3().toString().contains("b,"), "the secret is not printed: " + audio.s3());
  }

  @Test
  void badSettingsAreRefusedClearly() {
    assertEquals(
        "AUDIO_STORE must be postgres or s3, got 'disk'",
        assertThrows(ConfigException.class, () -> config(Map.of("AUDIO_STORE", "disk")))
            .getMessage());
    assertEquals(
        "AUDIO_S3_BUCKET is required but not set",
        assertThrows(ConfigException.class, () -> config(Map.of("AUDIO_STORE", "s3")))
            .getMessage());
    assertTrue(
        assertThrows(
                ConfigException.class,
                () ->
                    config(
                        Map.of(
                            "AUDIO_STORE",
                            "s3",
                            "AUDIO_S3_BUCKET",
                            "r",
                            "AUDIO_S3_ACCESS_KEY",
                            "a")))
            .getMessage()
            .contains("together"));
    assertThrows(ConfigException.class, () -> config(Map.of("AUDIO_RETENTION_DAYS", "-1")));
  }
}
