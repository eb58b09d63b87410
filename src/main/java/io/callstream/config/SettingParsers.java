package io.callstream.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parsing of the list- and range-valued settings; each failure is a {@link ConfigException} naming
 * the setting.
 */
final class SettingParsers {
  private SettingParsers() {}

  /** "MIN-MAX" or "N" milliseconds. */
  static int[] pacing(String value) {
    String[] parts = value.split("-", 2);
    try {
      int min = Integer.parseInt(parts[0].trim());
      int max = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : min;
      if (min >= 1 && max >= min && max <= 600_000) {
        return new int[] {min, max};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(
        "DEMO_PACING_MS must be MIN-MAX or N milliseconds (1 to 600000), got '" + value + "'");
  }

  static Set<Config.NodeRole> roles(String value) {
    EnumSet<Config.NodeRole> roles = EnumSet.noneOf(Config.NodeRole.class);
    for (String part : value.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(Config.NodeRole.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            "NODE_ROLES: unknown role '" + part.trim() + "' (use webhook, live, api)");
      }
    }
    if (roles.isEmpty()) {
      throw new ConfigException("NODE_ROLES must name at least one of webhook, live, api");
    }
    return roles;
  }

  /**
   * CORS_ORIGINS: comma-separated origins (scheme://host[:port]) of a console served elsewhere;
   * empty = none.
   */
  static List<String> origins(String value) {
    List<String> origins =
        Arrays.stream(value.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    for (String o : origins) {
      if (!o.matches("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
        throw new ConfigException(
            "CORS_ORIGINS: '" + o + "' is not an origin such as https://console.example.com");
      }
    }
    return origins;
  }

  static List<IpRange> trustedProxies(String value) {
    try {
      return IpRange.parseList(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("TRUSTED_PROXIES: " + e.getMessage());
    }
  }

  /** A secret or a list of them (comma- or line-separated, blanks dropped); empty for null. */
  static List<String> secretList(String value) {
    return value == null
        ? List.of()
        : Arrays.stream(value.split("[,\\r\\n]+"))
            .map(String::trim)
            .filter(k -> !k.isEmpty())
            .toList();
  }

  /** SECRET_KEYS_PREVIOUS: verify-only JWT keys, each at least {@code minBytes} long. */
  static List<String> previousKeys(String value, int minBytes) {
    List<String> keys = secretList(value);
    if (keys.stream()
        .anyMatch(k -> k.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < minBytes)) {
      throw new ConfigException(
          "SECRET_KEYS_PREVIOUS: every key must be at least " + minBytes + " bytes long");
    }
    return keys;
  }

  static List<String> members(String value) {
    List<String> members =
        Arrays.stream(value.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
    for (String m : members) {
      int colon = m.lastIndexOf(':');
      boolean ok = colon > 0;
      if (ok) {
        try {
          int p = Integer.parseInt(m.substring(colon + 1));
          ok = p > 0 && p < 65536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new ConfigException("CLUSTER_MEMBERS: '" + m + "' is not host:port");
      }
    }
    return members;
  }

  /**
   * CLUSTER_NAME, or the first line of the file CLUSTER_NAME_FILE (a mounted secret), at least 16
   * characters; the public default when neither is set. Read once at start-up, before any event
   * loop runs.
   */
  static String clusterName(String value, String file) {
    if (value != null && file != null) {
      throw new ConfigException("set CLUSTER_NAME or CLUSTER_NAME_FILE, not both");
    }
    String name = value;
    if (file != null) {
      try {
        name = Files.readString(Path.of(file)).lines().findFirst().orElse("").strip();
      } catch (IOException | RuntimeException e) {
        throw new ConfigException("CLUSTER_NAME_FILE: cannot read '" + file + "'");
      }
    }
    if (name == null) {
      return Config.Cluster.DEFAULT_NAME;
    }
    if (name.length() < 16
        || name.length() > 200
        || !name.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new ConfigException(
          "CLUSTER_NAME must be 16 to 200 printable ASCII characters without spaces "
              + "(a shared secret, e.g. openssl rand -hex 16)");
    }
    return name;
  }
}
