package io.callstream.live;

import io.callstream.auth.Revocations;
import io.callstream.auth.Tokens;
import io.callstream.call.Call;
import io.callstream.config.LiveConfig;
import io.callstream.events.CallEvent;
import io.callstream.events.CallEvents;
import io.callstream.web.NodeLimit;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one verticle instance's sockets share: its open sockets, its local subscriptions (call id ->
 * subscriptions), and the services they use. Confined to the instance's event loop: no locks, no
 * cluster state.
 */
final class LiveHub {
  final Vertx vertx;
  final LiveConfig config;
  final Tokens tokens;
  final CatchUp catchUp;
  final LiveMetrics metrics;

  /**
   * Open sockets per user on this node (WS_MAX_SOCKETS_PER_USER), across its verticle instances.
   */
  final NodeLimit users;

  private final Set<LiveSocket> sockets = new HashSet<>();

  /** Sockets watching the fleet feed (every call's lifecycle). */
  private final Set<LiveSocket> watchers = new HashSet<>();

  private final Map<Long, List<Subscription>> byCall = new HashMap<>();

  /**
   * Whether a user signed out or was disabled since their token was issued (checked at the upgrade,
   * at each refresh and every REVOCATION_CHECK_SECONDS).
   */
  final Revocations revocations;

  LiveHub(
      Vertx vertx,
      LiveConfig config,
      Tokens tokens,
      CatchUp catchUp,
      LiveMetrics metrics,
      NodeLimit users,
      Revocations revocations) {
    this.users = users;
    this.revocations = revocations;
    this.vertx = vertx;
    this.config = config;
    this.tokens = tokens;
    this.catchUp = catchUp;
    this.metrics = metrics;
  }

  /**
   * Forwards an event to this instance's subscriptions to its call, and lifecycle events to fleet
   * watchers.
   */
  void dispatch(CallEvents.Received event) {
    if (!watchers.isEmpty() && event.kind() != CallEvents.Kind.TRANSCRIPTION) {
      for (LiveSocket w : watchers.toArray(new LiveSocket[0])) {
        w.fleetEvent(event.frame());
      }
    }
    if (event.kind() == CallEvents.Kind.STARTED || event.kind() == CallEvents.Kind.HANDLED) {
      return;
    }
    List<Subscription> subs = byCall.get(event.callId());
    if (subs == null) {
      return;
    }
    for (Subscription s : subs.toArray(new Subscription[0])) {
      s.offer(event);
    }
  }

  void opened(LiveSocket socket) {
    sockets.add(socket);
    metrics.openSockets.incrementAndGet();
  }

  void closed(LiveSocket socket) {
    if (sockets.remove(socket)) {
      metrics.openSockets.decrementAndGet();
      users.release(socket.subject());
    }
  }

  /**
   * The end-of-call check: a call that ended in PostgreSQL while its subscriptions still wait (its
   * call_completed never reached the bus: the publishing node died after the commit) is completed
   * from the database. Runs with the ping sweep; one query per instance for all its subscribed
   * calls.
   */
  void completeEndedCalls() {
    if (byCall.isEmpty()) {
      return;
    }
    catchUp
        .ended(byCall.keySet())
        .onSuccess(
            ended -> {
              for (Call call : ended) {
                List<Subscription> subs = byCall.get(call.id());
                if (subs != null) {
                  metrics.endRepaired();
                  for (CallEvent e :
                      call.endEvents()) { // the final call_status, then call_completed
                    CallEvents.Received received =
                        CallEvents.Received.of(
                            call.id(), e.kind(), e.sequenceNumber(), e.toFrame().encode());
                    for (Subscription s : subs.toArray(new Subscription[0])) {
                      s.offer(received);
                    }
                  }
                }
              }
            });
  }

  void watch(LiveSocket socket) {
    watchers.add(socket);
  }

  void unwatch(LiveSocket socket) {
    watchers.remove(socket);
  }

  void register(Subscription s) {
    byCall
        .computeIfAbsent(
            s.callId,
            id -> {
              metrics.subscribedCalls.incrementAndGet();
              return new ArrayList<>(2);
            })
        .add(s);
    metrics.subscriptions.incrementAndGet();
  }

  void unregister(Subscription s) {
    List<Subscription> subs = byCall.get(s.callId);
    if (subs != null && subs.remove(s)) {
      metrics.subscriptions.decrementAndGet();
      if (subs.isEmpty()) {
        byCall.remove(s.callId);
        metrics.subscribedCalls.decrementAndGet();
      }
    }
  }

  /** A copy, for sweeps that may close sockets. */
  List<LiveSocket> sockets() {
    return new ArrayList<>(sockets);
  }

  int socketCount() {
    return sockets.size();
  }
}
