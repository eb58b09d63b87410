package io.callstream.live;

import io.callstream.auth.TokenClaims;
import io.callstream.auth.Tokens;
import io.callstream.config.Config;
import io.callstream.events.CallEvents;
import io.callstream.web.ClientAddress;
import io.callstream.failure.Failure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The live role of a verticle instance: GET /ws/calls/transcriptions (authenticated before the upgrade), one
 * consumer of the cluster-wide call events forwarding to this instance's own subscriptions, and one ping sweep.
 */
public final class LiveRole {
  public static final String PATH = "/ws/calls/transcriptions";
  private static final Logger LOG = Logger.getLogger(LiveRole.class.getName());
  private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();

  private final Vertx vertx;
  private final Config.Live config;
  private final MeterRegistry registry;
  private final LiveHub hub;
  private final ClientAddress clients;
  private MessageConsumer<String> consumer;
  private Gauge instanceSockets;
  private long pingTimer = -1;

  public LiveRole(Vertx vertx, Config.Live config, Tokens tokens, Pool pool, MeterRegistry registry,
                  ClientAddress clients) {
    this.clients = clients;
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.hub = new LiveHub(vertx, config, tokens, new CatchUp(pool), LiveMetrics.of(registry),
        new UserSockets(vertx, config.maxSocketsPerUser()));
  }

  public void addRoutes(Router router) {
    router.get(PATH).handler(this::upgrade);
  }

  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(CallEvents.ADDRESS, this::onEvent);
    long interval = TimeUnit.SECONDS.toMillis(config.pingIntervalSeconds());
    pingTimer = vertx.setPeriodic(interval, interval, id -> {
      hub.sockets().forEach(LiveSocket::ping);
      hub.completeEndedCalls();
    });
    // per verticle instance, to see how sockets spread over HTTP_INSTANCES (instances may share an event loop)
    instanceSockets = Gauge.builder("callstream_ws_instance_sockets", hub, LiveHub::socketCount)
        .description("open dashboard WebSockets of one verticle instance")
        .tag("instance", String.valueOf(INSTANCES.incrementAndGet())).register(registry);
    return consumer.completion();
  }

  /** Closes every socket with 1001 (clients reconnect to another node) and stops consuming. */
  public Future<Void> stop() {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    if (instanceSockets != null) {
      registry.remove(instanceSockets);
    }
    List<Future<?>> closing = new ArrayList<>();
    hub.sockets().forEach(s -> s.close(LiveSocket.GOING_AWAY, "server shutting down"));
    if (consumer != null) {
      closing.add(consumer.unregister());
    }
    return Future.all(closing).<Void>mapEmpty().timeout(5, TimeUnit.SECONDS);
  }

  private void upgrade(RoutingContext ctx) {
    String token = token(ctx.request());
    if (token == null) {
      hub.metrics.authFailure("missing");
      ctx.fail(Failure.unauthenticated("missing token"));
      return;
    }
    hub.tokens.verify(token).onComplete(ar -> {
      if (ar.failed() || !ar.result().mayAct(TokenClaims.DISPATCHER)) {
        boolean expired = ar.failed() && ar.cause() instanceof Tokens.InvalidToken t && t.expired();
        hub.metrics.authFailure(ar.succeeded() ? "forbidden" : expired ? "expired" : "invalid");
        ctx.fail(Failure.forbidden(expired ? "token expired" : "invalid token"));
        return;
      }
      TokenClaims claims = ar.result();
      if (!hub.users.acquire(claims.subject())) {
        hub.metrics.authFailure("too_many_sockets");
        ctx.fail(Failure.throttled("at most " + config.maxSocketsPerUser() + " open sockets per user"));
        return;
      }
      ctx.request().toWebSocket()
          .onSuccess(ws -> new LiveSocket(hub, ws).open(claims, clients.of(ctx.request()))) // the hub gives the place back on close
          .onFailure(e -> {
            hub.users.release(claims.subject());
            if (!ctx.response().headWritten()) {
              ctx.fail(Failure.invalid("expected a WebSocket upgrade"));
            }
          });
    });
  }

  private static String token(HttpServerRequest request) {
    String token = request.getParam("token");
    if (token == null || token.isBlank()) {
      token = Tokens.bearer(request.getHeader("Authorization"));
    }
    return token == null || token.isBlank() ? null : token;
  }

  private void onEvent(Message<String> message) {
    CallEvents.Received event;
    try {
      event = CallEvents.decode(message);
    } catch (IllegalArgumentException e) {
      LOG.warning("ignored a malformed call event: " + e.getMessage());
      return;
    }
    hub.dispatch(event);
  }
}
