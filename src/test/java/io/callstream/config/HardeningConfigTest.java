package io.callstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Main;
import io.callstream.support.TestCerts;
import io.callstream.support.TestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's settings: cluster TLS files, event-bus port, HTTP_HOST, DATABASE_URL's sslmode, the
 * token length.
 */
class HardeningConfigTest {
  static TestCerts certs;

  @BeforeAll
  static void setUp() {
    certs = TestCerts.generate();
  }

  @AfterAll
  static void tearDown() {
    certs.delete();
  }

  private static Config config(Map<String, String> overrides) {
    return TestConfig.config("public", overrides);
  }

  private static String error(Map<String, String> overrides) {
    return assertThrows(ConfigException.class, () -> config(overrides)).getMessage();
  }

  private static Map<String, String> tls(Path cert, Path key, Path ca) {
    Map<String, String> env = new HashMap<>();
    if (cert != null) {
      env.put("CLUSTER_TLS_CERT", cert.toString());
    }
    if (key != null) {
      env.put("CLUSTER_TLS_KEY", key.toString());
    }
    if (ca != null) {
      env.put("CLUSTER_TLS_CA", ca.toString());
    }
    return env;
  }

  @Test
  void clusterTlsAndBusPort() {
    Map<String, String> env = new HashMap<>(certs.settings());
    env.put("CLUSTER_BUS_PORT", "5702");
    Config.Cluster cluster = config(env).cluster();
    assertEquals(new TlsFiles(certs.cert(), certs.key(), certs.ca()), cluster.tls());
    assertEquals(5702, cluster.busPort());

    Config.Cluster plain = config(Map.of()).cluster();
    assertNull(plain.tls());
    assertEquals(0, plain.busPort(), "any free port unless set");
    assertTrue(
        error(Map.of("CLUSTER_BUS_PORT", "70000"))
            .startsWith("CLUSTER_BUS_PORT must be between 0 and 65535"));
  }

  @Test
  void clusterTlsFilesComeTogetherAndMustBeThePemTheyClaim() {
    assertEquals(
        "CLUSTER_TLS_CERT, CLUSTER_TLS_KEY and CLUSTER_TLS_CA must be set together (missing: "
            + "CLUSTER_TLS_KEY, CLUSTER_TLS_CA)",
        error(tls(certs.cert(), null, null)));
    assertTrue(error(tls(null, certs.key(), certs.ca())).endsWith("(missing: CLUSTER_TLS_CERT)"));
    assertEquals(
        "CLUSTER_TLS_CERT: '" + certs.key() + "' holds no PEM CERTIFICATE",
        error(tls(certs.key(), certs.key(), certs.ca())));
    assertEquals(
        "CLUSTER_TLS_KEY: '" + certs.cert() + "' holds no PEM PRIVATE KEY",
        error(tls(certs.cert(), certs.cert(), certs.ca())));
    Path missing = certs.dir().resolve("no-such.crt");
    assertEquals(
        "CLUSTER_TLS_CA: cannot read '" + missing + "'",
        error(tls(certs.cert(), certs.key(), missing)));
  }

  @Test
  void httpHost() {
    assertEquals("0.0.0.0", config(Map.of()).http().host());
    assertEquals("127.0.0.1", config(Map.of("HTTP_HOST", "127.0.0.1")).http().host());
  }

  @Test
  void transcriptionTokenNeeds32BytesAndStopsStartUpWithExitCode2() {
    String token32 = "t".repeat(32);
    assertEquals(
        token32,
        config(Map.of("TRANSCRIPTION_WEBHOOK_TOKEN", token32)).webhooks().transcriptionToken());

    Map<String, String> env = new HashMap<>(TestConfig.env("public"));
    env.put("TRANSCRIPTION_WEBHOOK_TOKEN", "t".repeat(31));
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run(List.of("serve"), env);
    } finally {
      System.setErr(original);
    }
    assertEquals(2, code);
    assertEquals(
        "callstream: configuration error: TRANSCRIPTION_WEBHOOK_TOKEN must be at least 32 bytes long",
        captured.toString(StandardCharsets.UTF_8).strip());
  }

  private static final String URL = "postgresql://u:p@db.example:5432/calls";

  private static Config.Database db(String query) {
    return Config.database(URL + query, "public", 1);
  }

  private static String dbError(String query) {
    return assertThrows(ConfigException.class, () -> db(query)).getMessage();
  }

  @Test
  void sslmodeIsKeptForBothDrivers() {
    Config.Database none = db("");
    assertEquals(DatabaseTls.NONE, none.tls());
    assertEquals("jdbc:postgresql://db.example:5432/calls?sslmode=disable", none.jdbcUrl());

    Config.Database require = db("?sslmode=require");
    assertEquals(new DatabaseTls(DatabaseTls.Mode.REQUIRE, null), require.tls());
    assertEquals("jdbc:postgresql://db.example:5432/calls?sslmode=require", require.jdbcUrl());

    String ca = certs.ca().toString();
    Config.Database full = db("?sslmode=verify-full&sslrootcert=" + ca);
    assertEquals(new DatabaseTls(DatabaseTls.Mode.VERIFY_FULL, ca), full.tls());
    assertEquals(
        "jdbc:postgresql://db.example:5432/calls?sslmode=verify-full&sslrootcert="
            + java.net.URLEncoder.encode(ca, StandardCharsets.UTF_8),
        full.jdbcUrl());
    assertTrue(
        full.toString().contains("sslmode=verify-full") && !full.toString().contains(":p@"),
        full.toString());

    // libpq: require with a root certificate verifies the CA
    assertEquals(DatabaseTls.Mode.VERIFY_CA, db("?sslmode=require&sslrootcert=" + ca).tls().mode());
    Config.Database system = db("?sslmode=verify-ca&sslrootcert=system");
    assertTrue(
        system
            .jdbcUrl()
            .endsWith("?sslmode=verify-ca&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"));
  }

  @Test
  void badDatabaseTlsParametersAreConfigErrors() {
    assertEquals(
        "DATABASE_URL: sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, "
            + "got 'on'",
        dbError("?sslmode=on"));
    assertTrue(
        dbError("?sslmode=verify-ca")
            .startsWith("DATABASE_URL: sslmode=verify-ca needs sslrootcert="));
    assertEquals(
        "DATABASE_URL: sslrootcert: cannot read '/no/such/ca.pem'",
        dbError("?sslmode=verify-full&sslrootcert=/no/such/ca.pem"));
    assertEquals(
        "DATABASE_URL: unsupported parameter 'connect_timeout' (supported: sslmode, sslrootcert)",
        dbError("?sslmode=require&connect_timeout=5"));
  }
}
