package io.callstream.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The live role's meters, built once per node by the assembly and shared by every verticle instance
 * of the node: the gauges read one AtomicLong each, so they aggregate across instances.
 */
public final class LiveMetrics {

  final AtomicLong openSockets = new AtomicLong();
  final AtomicLong subscriptions = new AtomicLong();

  /**
   * Calls with at least one subscription on this node (the entries of its instances' registries).
   */
  final AtomicLong subscribedCalls = new AtomicLong();

  private final MeterRegistry registry;
  private final Counter framesSent;
  private final Counter slowConsumerCloses;
  private final Counter pingTimeouts;
  private final Counter gapRepairs;
  private final Counter endRepairs;
  private final Counter connects;
  private final Timer connectionDuration;
  private static final Logger WS_LOG = Logger.getLogger("callstream.ws");

  /** Numbers the verticle instances' own gauges (1, 2, ...). */
  private final AtomicInteger instances = new AtomicInteger();

  public LiveMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("callstream_ws_open_sockets", openSockets, AtomicLong::get)
        .description("open dashboard WebSockets")
        .register(registry);
    Gauge.builder("callstream_ws_subscriptions", subscriptions, AtomicLong::get)
        .description("call subscriptions of the open WebSockets")
        .register(registry);
    Gauge.builder("callstream_ws_subscribed_calls", subscribedCalls, AtomicLong::get)
        .description("calls with at least one subscription on this node")
        .register(registry);
    framesSent =
        Counter.builder("callstream_ws_frames_sent")
            .description("frames sent to dashboards")
            .register(registry);
    slowConsumerCloses =
        Counter.builder("callstream_ws_slow_consumer_closes")
            .description("sockets closed with 1013 because their outgoing queue was full")
            .register(registry);
    pingTimeouts =
        Counter.builder("callstream_ws_ping_timeouts")
            .description("sockets closed because they did not answer a ping")
            .register(registry);
    gapRepairs =
        Counter.builder("callstream_ws_gap_repairs")
            .description("missing transcript turns fetched from PostgreSQL for a subscription")
            .register(registry);
    connects =
        Counter.builder("callstream_ws_connects")
            .description("dashboard WebSockets opened")
            .register(registry);
    connectionDuration =
        Timer.builder("callstream_ws_connection_duration")
            .description("how long dashboard WebSockets stayed open")
            .register(registry);
    endRepairs =
        Counter.builder("callstream_ws_end_repairs")
            .description(
                "calls completed for their subscribers from PostgreSQL: their call_completed never arrived")
            .register(registry);
  }

  /**
   * callstream_ws_instance_sockets{instance}: the open sockets of one verticle instance, to see how
   * sockets spread over HTTP_INSTANCES (instances may share an event loop). Removed with {@link
   * #remove} when the instance stops.
   */
  Gauge instanceSockets(LiveHub hub) {
    return Gauge.builder("callstream_ws_instance_sockets", hub, LiveHub::socketCount)
        .description("open dashboard WebSockets of one verticle instance")
        .tag("instance", String.valueOf(instances.incrementAndGet()))
        .register(registry);
  }

  void remove(Gauge gauge) {
    registry.remove(gauge);
  }

  void frameSent() {
    framesSent.increment();
  }

  void slowConsumerClosed() {
    slowConsumerCloses.increment();
  }

  void pingTimeout() {
    pingTimeouts.increment();
  }

  /**
   * A dashboard socket opened: counted, and one log line ({@code ws connect user=... client=...}).
   */
  void connected(String user, String client) {
    connects.increment();
    WS_LOG.info(() -> "ws connect user=" + user + " client=" + client);
  }

  /**
   * The close codes counted by their value: RFC 6455's (1000-1015) and callstream's own (4401); any
   * other code a client chooses is {@code other}, so clients cannot add series.
   */
  static String closeCodeLabel(short code) {
    return (code >= 1000 && code <= 1015) || code == LiveSocket.TOKEN_EXPIRED
        ? Short.toString(code)
        : "other";
  }

  /**
   * A dashboard socket closed: counted by close code (1006: no close frame), its lifetime, one log
   * line.
   */
  void disconnected(String user, short code, long nanos) {
    Counter.builder("callstream_ws_disconnects")
        .description("dashboard WebSockets closed, by close code")
        .tag("code", closeCodeLabel(code))
        .register(registry)
        .increment();
    connectionDuration.record(nanos, TimeUnit.NANOSECONDS);
    WS_LOG.info(
        () -> String.format("ws disconnect user=%s code=%d seconds=%.1f", user, code, nanos / 1e9));
  }

  void endRepaired() {
    endRepairs.increment();
  }

  void gapRepaired() {
    gapRepairs.increment();
  }

  /** reason: missing, invalid, expired, forbidden, disabled, too_many_sockets, refresh. */
  void authFailure(String reason) {
    Counter.builder("callstream_ws_auth_failures")
        .description("refused WebSocket upgrades and refreshes")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
