package io.callstream;

import io.callstream.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;

/** What a node shares with every verticle instance: configuration, the database pool, node state, metrics. */
public record Services(Config config, Pool pool, NodeState node, MeterRegistry metrics) {}
