package io.callstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.TestConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hardening settings: defaults, TRUSTED_PROXIES parsing (literals only), the idle-timeout rule.
 */
class BoundsConfigTest {
  @Test
  void defaults() {
    Map<String, String> env = new java.util.HashMap<>(TestConfig.env("public"));
    env.remove("WS_MAX_SOCKETS_PER_USER"); // the test default; here the service's own
    Config c = Config.from(Settings.of(env));
    assertEquals(75, c.http().idleTimeoutSeconds());
    assertEquals(120, c.http().requestTimeoutSeconds());
    assertEquals(List.of(), c.http().trustedProxies());
    assertEquals(8, c.webhooks().maxConcurrentSpools());
    assertEquals(16_000, c.live().maxSocketsPerUser());
    assertEquals(10_000, c.database().statementTimeoutMs());
    assertEquals(5_000, c.database().lockTimeoutMs());
    assertEquals(60_000, c.database().idleInTransactionTimeoutMs());
    assertEquals(10_000, c.webhooks().writerMaxQueue());
    assertEquals(64L << 20, c.webhooks().writerMaxQueueBytes());
    assertEquals(10_000, c.webhooks().deadlineMs());
    assertEquals(72, c.reconcile().parkedRetentionHours());
  }

  @Test
  void stallBoundsAreReadAndChecked() {
    Config c =
        TestConfig.config(
            "public",
            Map.of(
                "DB_STATEMENT_TIMEOUT_MS",
                "0",
                "DB_LOCK_TIMEOUT_MS",
                "250",
                "WRITER_MAX_QUEUE",
                "5",
                "WEBHOOK_DEADLINE_MS",
                "1500",
                "INBOX_PARKED_RETENTION_HOURS",
                "1"));
    assertEquals(0, c.database().statementTimeoutMs());
    assertEquals(250, c.database().lockTimeoutMs());
    assertEquals(5, c.webhooks().writerMaxQueue());
    assertEquals(1500, c.webhooks().deadlineMs());
    assertEquals(1, c.reconcile().parkedRetentionHours());
    for (String key :
        List.of(
            "DB_STATEMENT_TIMEOUT_MS",
            "WRITER_MAX_QUEUE",
            "WEBHOOK_DEADLINE_MS",
            "INBOX_PARKED_RETENTION_HOURS")) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> TestConfig.config("public", Map.of(key, "-1")));
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
  }

  @Test
  void trustedProxiesAreAddressesOrBlocks() {
    Config c =
        TestConfig.config(
            "public", Map.of("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1, fd00::/8"));
    List<IpRange> proxies = c.http().trustedProxies();
    assertEquals(4, proxies.size());
    assertTrue(proxies.get(0).contains(IpRange.literal("10.200.3.4")));
    assertFalse(proxies.get(0).contains(IpRange.literal("11.0.0.1")));
    assertTrue(
        proxies.get(1).contains(IpRange.literal("::ffff:127.0.0.1")), "a dual-stack peer is IPv4");
    assertTrue(proxies.get(3).contains(IpRange.literal("fd12::5")));
    assertFalse(proxies.get(3).contains(IpRange.literal("10.0.0.1")));
    assertTrue(IpRange.parse("192.168.1.0/23").contains(IpRange.literal("192.168.0.77")));
    assertFalse(IpRange.parse("192.168.1.0/24").contains(IpRange.literal("192.168.0.77")));
    for (String bad :
        List.of("nginx.internal", "10.0.0.0/33", "10.0.0/8", "1.2.3.4/x", "::1/129")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> TestConfig.config("public", Map.of("TRUSTED_PROXIES", bad)),
              bad);
      assertTrue(e.getMessage().startsWith("TRUSTED_PROXIES"), e.getMessage());
    }
  }

  @Test
  void theIdleTimeoutMustOutlastThePingInterval() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TestConfig.config(
                    "public",
                    Map.of("HTTP_IDLE_TIMEOUT_SECONDS", "30", "WS_PING_INTERVAL_SECONDS", "30")));
    assertTrue(e.getMessage().contains("HTTP_IDLE_TIMEOUT_SECONDS"), e.getMessage());
    assertEquals(
        0,
        TestConfig.config("public", Map.of("HTTP_IDLE_TIMEOUT_SECONDS", "0"))
            .http()
            .idleTimeoutSeconds());
    assertEquals(
        31,
        TestConfig.config("public", Map.of("HTTP_IDLE_TIMEOUT_SECONDS", "31"))
            .http()
            .idleTimeoutSeconds());
  }
}
