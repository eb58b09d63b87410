package io.callstream.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.instance.EndpointQualifier;
import io.callstream.config.ConfigException;
import io.callstream.support.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 19, defect 5: CLUSTER_NAME(_FILE), and what a CLUSTER_CONFIG file may declare. */
class ClusterSettingsTest {
  static final Path KUBERNETES = Path.of("docker/kubernetes/base/hazelcast.xml");

  private static io.callstream.config.Config.Cluster settings(Map<String, String> env) {
    return TestConfig.config("public", env).cluster();
  }

  @Test
  void theClusterNameIsASecretSettingOrItsFile() throws Exception {
    assertEquals("callstream", settings(Map.of()).name(), "the public default when unset");
    assertEquals(
        "0123456789abcdef0123", settings(Map.of("CLUSTER_NAME", "0123456789abcdef0123")).name());
    Path file = Files.createTempFile("cluster-name", ".txt");
    try {
      Files.writeString(file, "fedcba9876543210fedc\n");
      assertEquals(
          "fedcba9876543210fedc", settings(Map.of("CLUSTER_NAME_FILE", file.toString())).name());
    } finally {
      Files.delete(file);
    }
    assertFalse(
        settings(Map.of("CLUSTER_NAME", "0123456789abcdef0123")).toString().contains("0123456789"));
    assertTrue(
        assertThrows(ConfigException.class, () -> settings(Map.of("CLUSTER_NAME", "short")))
            .getMessage()
            .startsWith("CLUSTER_NAME must be 16 to 200"));
    assertEquals(
        "CLUSTER_NAME_FILE: cannot read '/no/such/file'",
        assertThrows(
                ConfigException.class, () -> settings(Map.of("CLUSTER_NAME_FILE", "/no/such/file")))
            .getMessage());
  }

  @Test
  void theKubernetesConfigHasOnlyAMemberEndpointAndTakesTheSecretName() {
    io.callstream.config.Config.Cluster cluster =
        new io.callstream.config.Config.Cluster(
            true, "127.0.0.1", 5701, List.of(), KUBERNETES, 5, 0, null, "0123456789abcdef0123");
    Config hz = ClusterSetup.hazelcastConfig(cluster);
    assertEquals("0123456789abcdef0123", hz.getClusterName());
    assertEquals(
        List.of(EndpointQualifier.MEMBER),
        List.copyOf(hz.getAdvancedNetworkConfig().getEndpointConfigs().keySet()));
    assertTrue(hz.getSerializationConfig().getJavaSerializationFilterConfig().isDefaultsDisabled());
  }

  @Test
  void aConfigFileWithAClientEndpointIsRefused() throws Exception {
    Path file = Files.createTempFile("hazelcast", ".xml");
    try {
      Files.writeString(
          file,
          Files.readString(KUBERNETES)
              .replace(
                  "</advanced-network>",
                  "<client-server-socket-endpoint-config><port>5703</port></client-server-socket-endpoint-config>"
                      + "</advanced-network>"));
      io.callstream.config.Config.Cluster cluster =
          new io.callstream.config.Config.Cluster(true, "127.0.0.1", 5701, List.of(), file, 5);
      assertTrue(
          assertThrows(ConfigException.class, () -> ClusterSetup.hazelcastConfig(cluster))
              .getMessage()
              .startsWith("CLUSTER_CONFIG: use <advanced-network enabled=\"true\">"));
    } finally {
      Files.delete(file);
    }
  }
}
