package io.callstream.app;

import io.callstream.audio.AudioStore;
import io.callstream.call.NodeTurnWriter;
import io.callstream.config.Config;
import io.callstream.errortracking.ErrorTracking;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;

/**
 * What one node shares among its verticle instances: configuration, the database pool, the node's state, the
 * metrics registry, error tracking, the audio store (AUDIO_STORE). It stays in the assembly: {@link Assembly} hands each feature only the parts it uses.
 */
public record NodeResources(Config config, Pool pool, NodeState state, MeterRegistry registry, ErrorTracking errors,
                            NodeTurnWriter turns, AudioStore audio) {}
