package io.callstream.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.callstream.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;

/**
 * Hazelcast for the clustered event bus: TCP/IP join to the listed members (no multicast), bound to
 * CLUSTER_HOST, fast failure detection; or a full Hazelcast XML from CLUSTER_CONFIG (e.g. Kubernetes discovery).
 */
public final class ClusterSetup {
  private ClusterSetup() {}

  public static HazelcastClusterManager clusterManager(io.callstream.config.Config.Cluster cluster) {
    return new HazelcastClusterManager(hazelcastConfig(cluster));
  }

  /** Hazelcast's interface list takes IP addresses: a host name (e.g. a compose service name) is resolved once. */
  static String address(String host) {
    try {
      return java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new ConfigException("CLUSTER_HOST: cannot resolve '" + host + "'");
    }
  }

  /**
   * What Vert.x's default-cluster.xml configures (the structures its cluster manager uses), built in code:
   * parsing that XML (ConfigUtil.loadConfig) was a third of a node's start-up time.
   */
  static Config vertxDefaults() {
    Config hz = new Config();
    hz.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    hz.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    hz.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return hz;
  }

  public static Config hazelcastConfig(io.callstream.config.Config.Cluster cluster) {
    Config hz;
    if (cluster.configFile() != null) {
      try {
        hz = new FileSystemXmlConfig(cluster.configFile().toFile());
      } catch (FileNotFoundException e) {
        throw new ConfigException("CLUSTER_CONFIG: no such file: " + cluster.configFile());
      } catch (RuntimeException e) {
        throw new ConfigException("CLUSTER_CONFIG: invalid Hazelcast config: " + e.getMessage());
      }
    } else {
      hz = vertxDefaults();
      hz.setClusterName("callstream");
      NetworkConfig network = hz.getNetworkConfig();
      network.setPort(cluster.port()).setPortAutoIncrement(false);
      network.getInterfaces().setEnabled(true).clear().addInterface(address(cluster.host()));
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      // also how long a starting member asks the listed members for a master before claiming mastership itself
      // (Hazelcast's default, 5 s, is what members starting together waited for)
      join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).getMembers().clear();
      join.getTcpIpConfig().addMember(cluster.host() + ":" + cluster.port());
      cluster.members().forEach(m -> join.getTcpIpConfig().addMember(m));
      int timeout = cluster.heartbeatTimeoutSeconds();
      hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
      hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(timeout));
      hz.setProperty("hazelcast.wait.seconds.before.join", "0");
      hz.setProperty("hazelcast.merge.first.run.delay.seconds", "1");
      hz.setProperty("hazelcast.merge.next.run.delay.seconds", "2");
    }
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    return hz;
  }
}
