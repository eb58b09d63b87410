package io.callstream.support;

import io.callstream.config.Config;
import io.callstream.config.Settings;
import java.util.HashMap;
import java.util.Map;

/** Settings for a node under test: a free port, test secrets, the given schema; overrides win. */
public final class TestConfig {
  public static final String SECRET_KEY = "test-secret-key-that-is-at-least-32-bytes!";
  public static final String WEBHOOK_SECRET = "whsec_test_secret";

  private TestConfig() {}

  public static Map<String, String> env(String schema) {
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(Ports.free()));
    env.put("HTTP_INSTANCES", "2");
    env.put("DATABASE_URL", TestDatabase.URL);
    env.put("DB_SCHEMA", schema);
    env.put("DB_POOL_SIZE", "4");
    env.put("SECRET_KEY", SECRET_KEY);
    env.put("ELEVENLABS_WEBHOOK_SECRET", WEBHOOK_SECRET);
    // the tests' dashboards all sign in as one user; SocketLimitsTest sets its own cap
    env.put("WS_MAX_SOCKETS_PER_USER", "100000");
    return env;
  }

  public static Config config(String schema, Map<String, String> overrides) {
    Map<String, String> env = env(schema);
    env.putAll(overrides);
    return Config.from(Settings.of(env));
  }

  public static Config config(String schema) {
    return config(schema, Map.of());
  }

  /**
   * Settings for member {@code index} of an in-JVM cluster whose Hazelcast ports are {@code
   * hzPorts}.
   */
  public static Config clustered(
      String schema, int[] hzPorts, int index, Map<String, String> overrides) {
    Map<String, String> env = env(schema);
    StringBuilder members = new StringBuilder();
    for (int p : hzPorts) {
      members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
    }
    env.put("CLUSTER_ENABLED", "true");
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", String.valueOf(hzPorts[index]));
    env.put("CLUSTER_MEMBERS", members.toString());
    env.putAll(overrides);
    return Config.from(Settings.of(env));
  }
}
