package io.callstream.config;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * TLS to PostgreSQL from DATABASE_URL's query parameters, with libpq's meaning: {@code sslmode}
 * (disable, allow, prefer, require, verify-ca, verify-full) and {@code sslrootcert} (a PEM file of
 * trusted CAs, or {@code system} for the JVM's trust store). Without sslmode the connection is
 * plain TCP. Any other parameter is refused rather than silently dropped. Both the reactive pool
 * and the JDBC connection of the migrations use these settings.
 */
public record DatabaseTls(Mode mode, String rootCert) {
  /**
   * sslrootcert=system: trust the JVM's default CAs (a database with a publicly trusted
   * certificate).
   */
  public static final String SYSTEM = "system";

  public enum Mode {
    DISABLE,
    ALLOW,
    PREFER,
    REQUIRE,
    VERIFY_CA,
    VERIFY_FULL;

    public String value() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the server certificate is checked against the root CAs. */
    public boolean verifies() {
      return this == VERIFY_CA || this == VERIFY_FULL;
    }
  }

  public static final DatabaseTls NONE = new DatabaseTls(Mode.DISABLE, null);

  /** Parses the raw query of DATABASE_URL (null when there is none). */
  static DatabaseTls fromQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return NONE;
    }
    Mode mode = null;
    String rootCert = null;
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      switch (name) {
        case "sslmode" -> mode = mode(value);
        case "sslrootcert" -> rootCert = value;
        default ->
            throw new ConfigException(
                "DATABASE_URL: unsupported parameter '"
                    + name
                    + "' (supported: sslmode, sslrootcert)");
      }
    }
    if (mode == null) {
      mode = Mode.DISABLE;
    }
    if (rootCert == null && mode.verifies()) {
      throw new ConfigException(
          "DATABASE_URL: sslmode="
              + mode.value()
              + " needs sslrootcert=<CA file> (or "
              + "sslrootcert=system for the JVM's trusted CAs)");
    }
    if (rootCert != null && !rootCert.equals(SYSTEM) && !Files.isReadable(Path.of(rootCert))) {
      throw new ConfigException("DATABASE_URL: sslrootcert: cannot read '" + rootCert + "'");
    }
    // libpq: with require, a given root certificate makes it verify the CA, like verify-ca
    if (mode == Mode.REQUIRE && rootCert != null) {
      mode = Mode.VERIFY_CA;
    }
    return new DatabaseTls(mode, rootCert);
  }

  private static Mode mode(String value) {
    for (Mode m : Mode.values()) {
      if (m.value().equals(value)) {
        return m;
      }
    }
    throw new ConfigException(
        "DATABASE_URL: sslmode must be one of disable, allow, prefer, require, verify-ca, "
            + "verify-full, got '"
            + value
            + "'");
  }

  /**
   * The same settings for the PostgreSQL JDBC driver (the migrations), as URL parameters without
   * '?'.
   */
  public String jdbcParameters() {
    StringBuilder p = new StringBuilder("sslmode=").append(mode.value());
    if (SYSTEM.equals(rootCert)) {
      p.append("&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory");
    } else if (rootCert != null) {
      p.append("&sslrootcert=").append(URLEncoder.encode(rootCert, StandardCharsets.UTF_8));
    }
    return p.toString();
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
