/**
 * Hazelcast configuration of a clustered node (TCP/IP join or a full config file). Imports only
 * {@code config}.
 */
package io.callstream.cluster;
