package io.callstream.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import io.callstream.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.logging.Logger;

/**
 * Hazelcast for the clustered event bus: TCP/IP join to the listed members (no multicast), bound to
 * CLUSTER_HOST, fast failure detection; or a full Hazelcast XML from CLUSTER_CONFIG (e.g.
 * Kubernetes discovery).
 *
 * <p>Hazelcast's open-source edition neither authenticates members nor encrypts, so the member port
 * is narrowed (docs/cluster-security-and-metrics.md): a MEMBER endpoint only (advanced network, no
 * CLIENT endpoint: a Hazelcast client cannot connect), the cluster name as a shared secret
 * (CLUSTER_NAME) and a Java deserialization allow-list ({@link SerializationAllowList}). A
 * CLUSTER_CONFIG file must declare the same endpoints; it is refused otherwise.
 */
public final class ClusterSetup {
  private static final Logger LOG = Logger.getLogger(ClusterSetup.class.getName());

  private ClusterSetup() {}

  public static HazelcastClusterManager clusterManager(
      io.callstream.config.Config.Cluster cluster) {
    return new HazelcastClusterManager(hazelcastConfig(cluster));
  }

  /**
   * Hazelcast's interface list takes IP addresses: a host name (e.g. a compose service name) is
   * resolved once.
   */
  static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new ConfigException("CLUSTER_HOST: cannot resolve '" + host + "'");
    }
  }

  /**
   * What Vert.x's default-cluster.xml configures (the structures its cluster manager uses), built
   * in code: parsing that XML (ConfigUtil.loadConfig) was a third of a node's start-up time.
   */
  static Config vertxDefaults() {
    Config hz = new Config();
    hz.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    hz.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    hz.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return hz;
  }

  public static Config hazelcastConfig(io.callstream.config.Config.Cluster cluster) {
    Config hz;
    if (cluster.configFile() != null) {
      hz = fromFile(cluster);
    } else {
      hz = vertxDefaults();
      hz.setClusterName(cluster.name());
      AdvancedNetworkConfig network = hz.getAdvancedNetworkConfig().setEnabled(true);
      ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
      member.setPort(cluster.port()).setPortAutoIncrement(false);
      member.getInterfaces().setEnabled(true).clear().addInterface(address(cluster.host()));
      network.setMemberEndpointConfig(member);
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      // also how long a starting member asks the listed members for a master before claiming
      // mastership itself
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
      // listen on CLUSTER_HOST only, not on every interface (Hazelcast's default)
      hz.setProperty("hazelcast.socket.server.bind.any", "false");
    }
    hz.getSerializationConfig().setJavaSerializationFilterConfig(SerializationAllowList.filter());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "jdk");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    if (io.callstream.config.Config.Cluster.DEFAULT_NAME.equals(hz.getClusterName())) {
      LOG.warning(
          "CLUSTER_NAME is not set: the Hazelcast cluster name is the public default '"
              + hz.getClusterName()
              + "', so any process reaching port "
              + cluster.port()
              + " can join as a member. "
              + "Set CLUSTER_NAME (or CLUSTER_NAME_FILE) to the same secret on every node.");
    }
    return hz;
  }

  private static Config fromFile(io.callstream.config.Config.Cluster cluster) {
    Config hz;
    try {
      hz = new FileSystemXmlConfig(cluster.configFile().toFile());
    } catch (FileNotFoundException e) {
      throw new ConfigException("CLUSTER_CONFIG: no such file: " + cluster.configFile());
    } catch (RuntimeException e) {
      throw new ConfigException("CLUSTER_CONFIG: invalid Hazelcast config: " + e.getMessage());
    }
    if (!io.callstream.config.Config.Cluster.DEFAULT_NAME.equals(cluster.name())) {
      hz.setClusterName(
          cluster.name()); // the secret comes from CLUSTER_NAME(_FILE), not from the mounted file
    }
    AdvancedNetworkConfig network = hz.getAdvancedNetworkConfig();
    boolean memberOnly =
        network.isEnabled()
            && network.getEndpointConfigs().keySet().stream()
                .allMatch(EndpointQualifier.MEMBER::equals);
    if (!memberOnly) {
      throw new ConfigException(
          "CLUSTER_CONFIG: use <advanced-network enabled=\"true\"> with a "
              + "<member-server-socket-endpoint-config> and no other endpoint (no client, REST or memcache endpoint: "
              + "Hazelcast does not authenticate them); see docker/kubernetes/base/hazelcast.xml");
    }
    return hz;
  }
}
