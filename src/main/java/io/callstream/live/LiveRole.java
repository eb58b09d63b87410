package io.callstream.live;

import io.callstream.auth.Revocations;
import io.callstream.auth.TokenClaims;
import io.callstream.auth.Tokens;
import io.callstream.config.LiveConfig;
import io.callstream.events.CallEvents;
import io.callstream.failure.Failure;
import io.callstream.web.ClientAddress;
import io.callstream.web.NodeLimit;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The live role of a verticle instance: GET /ws/calls/transcriptions (authenticated before the
 * upgrade), one consumer of the cluster-wide call events forwarding to this instance's own
 * subscriptions, and one ping sweep.
 */
public final class LiveRole {
  public static final String PATH = "/ws/calls/transcriptions";

  /**
   * The one subprotocol the server speaks (HttpServerOptions.setWebSocketSubProtocols): a client
   * offering it with its JWT as a second subprotocol gets it echoed (see {@link HandshakeToken}).
   */
  public static final String SUBPROTOCOL = HandshakeToken.SUBPROTOCOL;

  static final String SOCKETS_PER_USER = "callstream.live.sockets-per-user";
  private static final Logger LOG = Logger.getLogger(LiveRole.class.getName());

  private final Vertx vertx;
  private final LiveConfig config;
  private final LiveHub hub;
  private final ClientAddress clients;
  private final BooleanSupplier draining;
  private CallEvents.Consumers consumer;
  private Gauge instanceSockets;
  private long pingTimer = -1;
  private long revocationTimer = -1;
  private final int revocationCheckSeconds;

  /**
   * {@code metrics}: the node's, shared by its verticle instances (built once per node by the
   * assembly).
   */
  public LiveRole(
      Vertx vertx,
      LiveConfig config,
      Tokens tokens,
      Pool pool,
      LiveMetrics metrics,
      ClientAddress clients,
      BooleanSupplier draining,
      Revocations revocations,
      int revocationCheckSeconds) {
    this.clients = clients;
    this.draining = draining;
    this.vertx = vertx;
    this.config = config;
    this.revocationCheckSeconds = revocationCheckSeconds;
    this.hub =
        new LiveHub(
            vertx,
            config,
            tokens,
            new CatchUp(vertx, pool),
            metrics,
            new NodeLimit(vertx, SOCKETS_PER_USER, config.maxSocketsPerUser()),
            revocations);
  }

  public void addRoutes(Router router) {
    router.get(PATH).handler(this::upgrade);
  }

  public Future<Void> start() {
    consumer =
        CallEvents.consume(
            vertx.eventBus(),
            hub::dispatch,
            reason -> LOG.warning("ignored a malformed call event: " + reason));
    long interval = TimeUnit.SECONDS.toMillis(config.pingIntervalSeconds());
    pingTimer =
        vertx.setPeriodic(
            interval,
            interval,
            id -> {
              hub.sockets().forEach(LiveSocket::ping);
              hub.completeEndedCalls();
            });
    long every = TimeUnit.SECONDS.toMillis(revocationCheckSeconds);
    revocationTimer = vertx.setPeriodic(every, every, id -> closeRevoked());
    instanceSockets = hub.metrics.instanceSockets(hub);
    return consumer.completion();
  }

  /** Closes every socket with 1001 (clients reconnect to another node) and stops consuming. */
  public Future<Void> stop() {
    if (pingTimer >= 0) {
      vertx.cancelTimer(pingTimer);
    }
    if (revocationTimer >= 0) {
      vertx.cancelTimer(revocationTimer);
    }
    if (instanceSockets != null) {
      hub.metrics.remove(instanceSockets);
    }
    hub.sockets().forEach(s -> s.close(LiveSocket.GOING_AWAY, "server shutting down"));
    return consumer == null
        ? Future.succeededFuture()
        : consumer.unregister().timeout(5, TimeUnit.SECONDS);
  }

  /**
   * A GET without a WebSocket upgrade on the feed's path (upgrades are taken by {@link #handshake}
   * before any route): 401 without a token, else 400.
   */
  private void upgrade(RoutingContext ctx) {
    ctx.fail(
        HandshakeToken.of(ctx.request().headers(), ctx.request().uri()) == null
            ? Failure.unauthenticated("missing token")
            : Failure.invalid("expected a WebSocket upgrade"));
  }

  /**
   * Every WebSocket upgrade of this instance's server, taken at the server's handshake, before the
   * router: no routed request is kept alive behind each socket (its inbound queue alone is ~4 KB of
   * every socket's heap). Authenticated before accepting (the token from {@link HandshakeToken}):
   * 404 another path, 503 while draining, 401 no token, 403 invalid or expired or not allowed or
   * the user disabled ({@code callstream user disable}) or signed out since, 429 over
   * WS_MAX_SOCKETS_PER_USER.
   */
  public void handshake(ServerWebSocketHandshake hs) {
    if (!PATH.equals(hs.path())) {
      hs.reject(404);
      return;
    }
    if (draining.getAsBoolean()) {
      hs.reject(503);
      return;
    }
    String token = HandshakeToken.of(hs.headers(), hs.uri());
    if (token == null) {
      hub.metrics.authFailure("missing");
      hs.reject(401);
      return;
    }
    hub.tokens
        .verify(token)
        .onComplete(
            ar -> {
              if (ar.failed() || !ar.result().mayAct(TokenClaims.DISPATCHER)) {
                boolean expired =
                    ar.failed() && ar.cause() instanceof Tokens.InvalidToken t && t.expired();
                hub.metrics.authFailure(
                    ar.succeeded() ? "forbidden" : expired ? "expired" : "invalid");
                hs.reject(403);
                return;
              }
              hub.revocations
                  .refusalNow(ar.result().subject(), ar.result().generation())
                  .onSuccess(
                      why -> {
                        if (why != null) {
                          hub.metrics.authFailure("revoked");
                          hs.reject(403);
                        } else {
                          admit(hs, ar.result());
                        }
                      });
            });
  }

  /**
   * Every REVOCATION_CHECK_SECONDS: the users of this instance's sockets read again in one query; a
   * socket whose user signed out or was disabled since its token was issued is closed (error
   * TOKEN_EXPIRED, close code 4401).
   */
  private void closeRevoked() {
    Set<String> subjects = new HashSet<>();
    hub.sockets().forEach(s -> subjects.add(s.subject()));
    subjects.remove(null);
    if (subjects.isEmpty()) {
      return;
    }
    hub.revocations
        .states(subjects)
        .onSuccess(
            states ->
                hub.sockets()
                    .forEach(
                        s -> {
                          SocketToken t = s.token();
                          var state = t == null ? null : states.get(t.subject());
                          String why =
                              state == null ? null : Revocations.refusal(state, t.generation());
                          if (why != null) {
                            t.revoke(why);
                          }
                        }));
  }

  /**
   * A valid token of a user not disabled: accepted unless the user is over WS_MAX_SOCKETS_PER_USER.
   */
  private void admit(ServerWebSocketHandshake hs, TokenClaims claims) {
    if (!hub.users.tryAcquire(claims.subject())) {
      hub.metrics.authFailure("too_many_sockets");
      hs.reject(429);
      return;
    }
    String client = clients.of(hs.remoteAddress(), hs.headers());
    hs.accept()
        .onSuccess(
            ws ->
                new LiveSocket(hub, ws)
                    .open(claims, client)) // the hub gives the place back on close
        .onFailure(e -> hub.users.release(claims.subject()));
  }
}
