package io.callstream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Raw key/value settings: the packaged {@code conf/callstream.properties}, then a file on disk
 * ({@code CALLSTREAM_CONFIG_FILE}, else {@code ./conf/callstream.properties} when present), then
 * the environment. Every secret may come from a file instead ({@link SecretFiles}: SECRET_KEY_FILE,
 * ...). Typed accessors fail with a {@link ConfigException} that names the setting.
 */
public final class Settings {
  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(SecretFiles.resolve(new HashMap<>(values)));
  }

  /** Reads files at start-up (before any event loop exists). */
  public static Settings load(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    try (InputStream in = Settings.class.getResourceAsStream("/conf/callstream.properties")) {
      if (in != null) {
        putAll(merged, readProperties(new InputStreamReader(in, StandardCharsets.UTF_8)));
      }
      String explicit = env.get("CALLSTREAM_CONFIG_FILE");
      Path file =
          explicit != null && !explicit.isBlank()
              ? Path.of(explicit)
              : Path.of("conf", "callstream.properties");
      if (Files.isRegularFile(file)) {
        try (Reader reader = Files.newBufferedReader(file)) {
          putAll(merged, readProperties(reader));
        }
      } else if (explicit != null && !explicit.isBlank()) {
        throw new ConfigException("CALLSTREAM_CONFIG_FILE: no such file: " + explicit);
      }
    } catch (IOException e) {
      throw new ConfigException("configuration file unreadable: " + e.getMessage());
    }
    env.forEach((k, v) -> merged.put(k, v));
    return new Settings(SecretFiles.resolve(merged)); // SECRET_KEY_FILE etc., read once
  }

  private static Properties readProperties(Reader reader) throws IOException {
    Properties p = new Properties();
    p.load(reader);
    return p;
  }

  private static void putAll(Map<String, String> target, Properties p) {
    p.stringPropertyNames().forEach(k -> target.put(k, p.getProperty(k).trim()));
  }

  /** The value, or null when unset or blank. */
  public String optional(String key) {
    String v = values.get(key);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String required(String key) {
    String v = optional(key);
    if (v == null) {
      throw new ConfigException(key + " is required but not set");
    }
    return v;
  }

  public String string(String key, String fallback) {
    String v = optional(key);
    return v == null ? fallback : v;
  }

  public int integer(String key, int fallback, int min, int max) {
    String v = optional(key);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got '" + v + "'");
    }
  }

  public long longValue(String key, long fallback, long min) {
    String v = optional(key);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min) {
        throw new ConfigException(key + " must be at least " + min + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got '" + v + "'");
    }
  }

  public boolean bool(String key, boolean fallback) {
    String v = optional(key);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key + " must be true or false, got '" + v + "'");
    };
  }

  public URI url(String key, String fallback) {
    String v = string(key, fallback);
    try {
      URI uri = URI.create(v);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + " must be an absolute URL, got '" + v + "'");
    }
  }
}
