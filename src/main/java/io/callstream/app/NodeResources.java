package io.callstream.app;

import io.callstream.audio.AudioStore;
import io.callstream.call.NodeTurnWriter;
import io.callstream.config.Config;
import io.callstream.errortracking.ErrorTracking;
import io.callstream.live.LiveMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;

/**
 * What one node shares among its verticle instances, each built once per node by {@link Node}:
 * configuration, the database pool, the node's state, the metrics registry, error tracking, the
 * live-turn writer's host, the live role's meters ({@code liveMetrics}: null when the node does not
 * serve the live role) and the audio store (AUDIO_STORE). It stays in the assembly: {@link
 * Assembly} hands each feature only the parts it uses.
 */
public record NodeResources(
    Config config,
    Pool pool,
    NodeState state,
    MeterRegistry registry,
    ErrorTracking errors,
    NodeTurnWriter turns,
    LiveMetrics liveMetrics,
    AudioStore audio) {}
