package io.callstream.cluster;

import io.callstream.config.Config;
import io.callstream.config.TlsFiles;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.logging.Logger;

/**
 * The clustered event bus's TCP transport: bound to CLUSTER_HOST on CLUSTER_BUS_PORT and, with
 * CLUSTER_TLS_*, mutual TLS. Every node is both a TLS server (other nodes connect to it to deliver)
 * and a TLS client, with the same certificate; a connection is accepted only when both sides
 * present a certificate signed by the cluster CA. Hazelcast, which only carries membership and the
 * subscription table, stays plain TCP (open source has no TLS): it is narrowed by ClusterSetup
 * (member endpoint only, secret cluster name, deserialization allow-list), and a process that joins
 * it anyway, without a certificate, can neither receive nor inject an event.
 *
 * <p>Names are not checked: Vert.x's event-bus client turns hostname verification off, and members
 * are addressed by pod IPs that change. The identity of a member is "holds a key certified by the
 * cluster CA", so that CA must be private to the cluster and sign nothing else.
 */
public final class EventBusSetup {
  private static final Logger LOG = Logger.getLogger(EventBusSetup.class.getName());

  private EventBusSetup() {}

  public static EventBusOptions options(Config.Cluster cluster) {
    EventBusOptions options =
        new EventBusOptions()
            .setHost(cluster.host())
            .setPort(cluster.busPort())
            .setClusterPublicHost(cluster.host());
    TlsFiles tls = cluster.tls();
    if (tls == null) {
      LOG.warning(
          "CLUSTER TLS IS OFF: the event bus (port "
              + (cluster.busPort() == 0 ? "random" : cluster.busPort())
              + ") is plain TCP. Anyone who reaches the cluster ports can join, read every live transcript and publish "
              + "forged events to the dashboards. Set CLUSTER_TLS_CERT, CLUSTER_TLS_KEY and CLUSTER_TLS_CA "
              + "(README.md). Acceptable only on a single trusted host.");
      return options;
    }
    LOG.info(
        "event bus: mutual TLS (CA "
            + tls.ca()
            + "); Hazelcast membership on port "
            + cluster.port()
            + " is plain TCP, admitted by cluster name only: keep it firewalled to the cluster's own nodes");
    return options
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.cert().toString())
                .setKeyPath(tls.key().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
        // EventBusOptions defaults to trustAll=true: a node would then deliver events to any member
        // presenting
        // any certificate (RogueMemberTest's foreign-CA rogue received them); only the cluster CA
        // is trusted
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED);
  }
}
