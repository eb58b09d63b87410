package io.callstream.live;

import io.callstream.auth.TokenClaims;
import io.callstream.call.Call;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * One authenticated dashboard connection: parses client messages, owns its subscriptions (allocated
 * lazily), enforces the token's expiry, the inbound rate and the bounded outgoing queue. Event-loop
 * confined; kept small on purpose (no per-socket consumers, no JSON kept).
 */
final class LiveSocket {
  static final short SLOW_CONSUMER = 1013;
  static final short GOING_AWAY = 1001;
  static final short SERVER_ERROR = 1011;
  static final short TOKEN_EXPIRED = 4401;
  private static final Buffer PING = Buffer.buffer();

  final LiveHub hub;
  private final ServerWebSocket ws;
  private final InboundRate rate;
  private SocketToken token;
  private long openedAt;
  private short closeCode = 1006;
  private ArrayList<Subscription> subs;
  private FleetWatch fleet;
  private boolean closed;
  private boolean awaitingPong;
  private boolean throttled;

  LiveSocket(LiveHub hub, ServerWebSocket ws) {
    this.hub = hub;
    this.ws = ws;
    this.rate = new InboundRate(hub.config.maxSubscriptions());
  }

  void open(TokenClaims claims, String client) {
    openedAt = System.nanoTime();
    ws.setWriteQueueMaxSize(hub.config.maxQueueBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> onText(null));
    ws.pongHandler(b -> awaitingPong = false);
    ws.exceptionHandler(e -> {});
    ws.closeHandler(
        v -> {
          if (ws.closeStatusCode() != null) {
            closeCode = ws.closeStatusCode();
          }
          onClosed();
        });
    token = new SocketToken(this, claims);
    hub.opened(this);
    hub.metrics.connected(claims.subject(), client);
  }

  // ---- inbound

  private void onText(String text) {
    awaitingPong = false;
    if (closed) {
      return;
    }
    if (!rate.allow()) {
      if (!throttled) {
        throttled = true;
        sendError(Frames.INVALID_MESSAGE, "too many messages; slow down", null);
      }
      return;
    }
    throttled = false;
    ClientMessage m =
        text == null
            ? new ClientMessage.Invalid(
                Frames.INVALID_MESSAGE, "binary frames are not accepted", null)
            : ClientMessage.parse(text);
    if (m instanceof ClientMessage.Subscribe s) {
      subscribe(s.identifier(), s.since());
    } else if (m instanceof ClientMessage.Unsubscribe u) {
      unsubscribe(u.identifier());
    } else if (m instanceof ClientMessage.Watch) {
      watch();
    } else if (m instanceof ClientMessage.Unwatch) {
      unwatch();
    } else if (m instanceof ClientMessage.Auth a) {
      token.refresh(a.token());
    } else if (m instanceof ClientMessage.Invalid i) {
      sendError(i.code(), i.message(), i.identifier());
    }
  }

  private void subscribe(String identifier, Integer since) {
    if (find(identifier) == null && count() >= hub.config.maxSubscriptions()) {
      tooManySubscriptions(identifier);
      return;
    }
    resolved(identifier, call -> subscribe(identifier, since, call));
  }

  /**
   * The call an identifier names, handed to {@code then} on this socket's context; a database
   * failure closes the socket (the client resubscribes with since), an unknown call is
   * CALL_NOT_FOUND.
   */
  private void resolved(String identifier, Consumer<Call> then) {
    hub.catchUp
        .resolve(identifier)
        .onComplete(
            ar -> {
              if (closed) {
                return;
              }
              if (ar.failed()) {
                serverError();
              } else if (ar.result().isEmpty()) {
                callNotFound(identifier);
              } else {
                then.accept(ar.result().get());
              }
            });
  }

  private void subscribe(String identifier, Integer since, Call call) {
    if (find(call.id()) != null) {
      send(Frames.confirmed(identifier, call));
      return;
    }
    if (count() >= hub.config.maxSubscriptions()) {
      tooManySubscriptions(identifier);
      return;
    }
    Subscription s = new Subscription(this, call);
    if (subs == null) {
      subs = new ArrayList<>(2);
    }
    subs.add(s);
    hub.register(s);
    s.start(identifier, since);
  }

  private void unsubscribe(String identifier) {
    Subscription local = find(identifier);
    if (local != null) {
      subscriptionEnded(local);
      send(Frames.unsubscribed(identifier, local.callSid));
      return;
    }
    resolved(
        identifier,
        call -> {
          Subscription s = find(call.id());
          if (s != null) {
            subscriptionEnded(s);
          }
          send(Frames.unsubscribed(identifier, call.callSid()));
        });
  }

  /**
   * The fleet feed: a snapshot of active calls, then every call's lifecycle events (a repeat
   * re-sends it).
   */
  private void watch() {
    endWatch();
    fleet = new FleetWatch(this);
    hub.watch(this);
    fleet.start();
  }

  private void unwatch() {
    endWatch();
    send(Frames.UNWATCH_CONFIRMED);
  }

  private void endWatch() {
    if (fleet != null) {
      fleet.end();
      fleet = null;
      hub.unwatch(this);
    }
  }

  /** A lifecycle event of any call, for the fleet feed. */
  void fleetEvent(String frame) {
    if (fleet != null) {
      fleet.offer(frame);
    }
  }

  // ---- outbound

  void send(String frame) {
    if (closed) {
      return;
    }
    ws.writeTextMessage(frame);
    hub.metrics.frameSent();
    closeIfSlow();
  }

  /**
   * The outgoing queue is bounded: a client that does not read is closed, never buffered without
   * limit.
   */
  private void closeIfSlow() {
    boolean full;
    try {
      full = ws.writeQueueFull();
    } catch (IllegalStateException alreadyClosed) {
      onClosed();
      return;
    }
    if (full) {
      hub.metrics.slowConsumerClosed();
      close(SLOW_CONSUMER, "slow consumer");
    }
  }

  private void sendError(String code, String message, String identifier) {
    send(Frames.error(code, message, identifier));
  }

  private void tooManySubscriptions(String identifier) {
    sendError(
        Frames.TOO_MANY_SUBSCRIPTIONS,
        "at most " + hub.config.maxSubscriptions() + " subscriptions",
        identifier);
  }

  private void callNotFound(String identifier) {
    sendError(Frames.CALL_NOT_FOUND, "no call with this call_sid or conversation_id", identifier);
  }

  /** Called by the instance's ping sweep: closes a socket that did not answer the previous ping. */
  void ping() {
    if (closed) {
      return;
    }
    if (awaitingPong) {
      hub.metrics.pingTimeout();
      close(GOING_AWAY, "ping timeout");
      return;
    }
    awaitingPong = true;
    ws.writePing(PING);
    closeIfSlow();
  }

  /**
   * Events held for this socket while its snapshot or gap repair waits for the database passed
   * their bound: closed like a slow consumer (1013); the client reconnects and subscribes with
   * {@code since}, so it misses nothing.
   */
  void fellBehind() {
    hub.metrics.slowConsumerClosed();
    close(SLOW_CONSUMER, "too many events held while the database was slow; reconnect with since");
  }

  /** A database failure: the client should reconnect (with since) rather than miss anything. */
  void serverError() {
    close(SERVER_ERROR, "server error; reconnect with since");
  }

  void close(short code, String reason) {
    if (closed) {
      return;
    }
    closeCode = code;
    onClosed();
    ws.close(code, reason);
  }

  // ---- subscriptions

  void subscriptionEnded(Subscription s) {
    s.end();
    hub.unregister(s);
    if (subs != null) {
      subs.remove(s);
    }
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    if (token != null) {
      token.cancel();
    }
    if (subs != null) {
      for (Subscription s : subs) {
        s.end();
        hub.unregister(s);
      }
      subs = null;
    }
    endWatch();
    hub.closed(this);
    hub.metrics.disconnected(subject(), closeCode, System.nanoTime() - openedAt);
  }

  String subject() {
    return token == null ? null : token.subject();
  }

  SocketToken token() {
    return token;
  }

  private int count() {
    return subs == null ? 0 : subs.size();
  }

  private Subscription find(String identifier) {
    return subs == null
        ? null
        : subs.stream().filter(s -> s.matches(identifier)).findFirst().orElse(null);
  }

  private Subscription find(long callId) {
    return subs == null
        ? null
        : subs.stream().filter(s -> s.callId == callId).findFirst().orElse(null);
  }
}
