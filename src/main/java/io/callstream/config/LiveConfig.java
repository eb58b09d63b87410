package io.callstream.config;

/**
 * The dashboards' WebSockets (io.callstream.live): WS_MAX_SUBSCRIPTIONS, WS_MAX_QUEUE_BYTES,
 * WS_PING_INTERVAL_SECONDS, WS_MAX_SOCKETS_PER_USER.
 */
public record LiveConfig(
    int maxSubscriptions, int maxQueueBytes, int pingIntervalSeconds, int maxSocketsPerUser) {}
