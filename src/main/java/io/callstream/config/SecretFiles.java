package io.callstream.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Every secret setting may be given as a file instead ({@code
 * SECRET_KEY_FILE=/run/secrets/secret_key}: Docker and Kubernetes secrets): the file is read once,
 * at start-up, and its trailing line break dropped. Setting both the value and the file is a
 * configuration error; so is a file that cannot be read or is empty.
 */
final class SecretFiles {
  /** The settings that may come from a file. */
  static final List<String> SECRETS =
      List.of(
          "SECRET_KEY",
          "SECRET_KEYS_PREVIOUS",
          "ELEVENLABS_WEBHOOK_SECRET",
          "DATABASE_URL",
          "DB_PASSWORD",
          "ELEVENLABS_API_KEY",
          "TWILIO_AUTH_TOKEN",
          "TRANSCRIPTION_WEBHOOK_TOKEN",
          "SENTRY_DSN");

  static final String SUFFIX = "_FILE";

  private SecretFiles() {}

  /**
   * Replaces each {@code X_FILE} of {@link #SECRETS} in {@code values} by {@code X}, read from the
   * file.
   */
  static Map<String, String> resolve(Map<String, String> values) {
    for (String key : SECRETS) {
      String file = blankToNull(values.get(key + SUFFIX));
      if (file == null) {
        continue;
      }
      if (blankToNull(values.get(key)) != null) {
        throw new ConfigException("set " + key + " or " + key + SUFFIX + ", not both");
      }
      String content;
      try {
        content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(
            key + SUFFIX + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      }
      content = trimLineBreak(content);
      if (content.isBlank()) {
        throw new ConfigException(key + SUFFIX + ": " + file + " is empty");
      }
      values.put(key, content);
    }
    return values;
  }

  /** One trailing "\n" or "\r\n" (what editors and {@code echo} add) is not part of the secret. */
  private static String trimLineBreak(String s) {
    return s.endsWith("\r\n")
        ? s.substring(0, s.length() - 2)
        : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
