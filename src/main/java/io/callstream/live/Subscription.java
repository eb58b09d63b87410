package io.callstream.live;

import io.callstream.call.Call;
import io.callstream.call.Transcription;
import io.callstream.events.CallEvents;
import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One socket's subscription to one call: a small state machine that delivers the call's events
 * strictly in order, exactly once. It is registered (buffering) before its snapshot is read;
 * afterwards every event is checked against the last sequence number delivered: older ones are
 * dropped, one that skips numbers makes it fetch the missing turns first (buffering meanwhile). A
 * call_completed comes after every turn up to its sequence number and after the final call_status
 * (read from PostgreSQL with the call when it was lost on the bus); then the subscription ends.
 * Event-loop confined.
 */
final class Subscription {
  private static final Logger LOG = Logger.getLogger(Subscription.class.getName());

  /**
   * Events held while the snapshot or a gap repair waits for PostgreSQL: past this many the socket
   * is closed with 1013 (see {@link LiveSocket#fellBehind}) rather than holding a stalled
   * database's backlog in memory.
   */
  static final int MAX_PENDING = 1_000;

  private enum State {
    /** Registered, buffering until the snapshot is read. */
    SNAPSHOT,
    /** Delivering events as they arrive. */
    LIVE,
    /** Buffering while missing turns (or a lost final call_status) are read from PostgreSQL. */
    REPAIRING,
    /** Delivers nothing more; removed from the registry by its owner. */
    ENDED
  }

  final LiveSocket socket;
  final long callId;
  String callSid;
  String conversationId;
  private int delivered;
  private State state = State.SNAPSHOT;
  private String finalStatus;

  /** The call row was read after a call_completed arrived without its final call_status. */
  private boolean statusRepaired;

  private ArrayDeque<CallEvents.Received> pending;

  Subscription(LiveSocket socket, Call call) {
    this.socket = socket;
    this.callId = call.id();
    this.callSid = call.callSid();
    this.conversationId = call.conversationId();
  }

  boolean matches(String identifier) {
    return identifier.equals(callSid) || identifier.equals(conversationId);
  }

  /** Reads the snapshot, then confirms, replays and goes live. */
  void start(String identifier, Integer since) {
    socket
        .hub
        .catchUp
        .snapshot(callId, since)
        .onComplete(
            ar -> {
              if (state == State.ENDED) {
                return;
              }
              if (ar.failed()) {
                LOG.warning("subscription snapshot failed: " + ar.cause());
                socket.serverError();
                return;
              }
              Call call = ar.result().call();
              refreshIds(call);
              socket.send(Frames.confirmed(identifier, call));
              delivered =
                  since == null
                      ? call.lastSequenceNumber()
                      : Math.min(since, call.lastSequenceNumber());
              deliverTurns(ar.result().turns());
              if (call.ended()) {
                deliverCompletion(Frames.completed(call), false);
                return;
              }
              state = State.LIVE;
              drain();
            });
  }

  void offer(CallEvents.Received event) {
    if (state == State.LIVE) {
      process(event);
      drain();
    } else if (state != State.ENDED) {
      if (pending != null && pending.size() >= MAX_PENDING) {
        socket.fellBehind();
        return;
      }
      queue().addLast(event);
    }
  }

  /** Stops delivering; the owner removes it from the registry. */
  void end() {
    state = State.ENDED;
    pending = null;
  }

  private void process(CallEvents.Received e) {
    switch (e.kind()) {
      case TRANSCRIPTION -> {
        if (e.sequenceNumber() <= delivered) {
          return;
        }
        if (e.sequenceNumber() > delivered + 1) {
          repair(e.sequenceNumber() - 1, e);
          return;
        }
        socket.send(e.frame());
        delivered = e.sequenceNumber();
      }
      case STATUS -> socket.send(e.frame());
      case FINAL_STATUS -> finalStatus = e.frame();
      case COMPLETED -> {
        if (e.sequenceNumber() > delivered || finalStatus == null && !statusRepaired) {
          // turns are missing, or the final call_status was lost on the bus: PostgreSQL has both
          repair(Math.max(e.sequenceNumber(), delivered), e);
          return;
        }
        deliverCompletion(e.frame(), true);
      }
    }
  }

  private void drain() {
    while (state == State.LIVE && pending != null && !pending.isEmpty()) {
      process(pending.pollFirst());
    }
  }

  /**
   * Fetches turns delivered < n <= upTo and the call from PostgreSQL, delivers the turns (and keeps
   * the call's final call_status when its own was lost), then resumes with {@code next}.
   */
  private void repair(int upTo, CallEvents.Received next) {
    state = State.REPAIRING;
    queue().addFirst(next);
    if (upTo > delivered) {
      socket.hub.metrics.gapRepaired();
    }
    socket
        .hub
        .catchUp
        .range(callId, delivered, upTo)
        .onComplete(
            ar -> {
              if (state == State.ENDED) {
                return;
              }
              if (ar.failed()) {
                LOG.warning("gap repair failed: " + ar.cause());
                socket.serverError();
                return;
              }
              Call call = ar.result().call();
              refreshIds(call);
              if (next.kind() == CallEvents.Kind.COMPLETED && finalStatus == null) {
                statusRepaired = true;
                if (call.ended()) {
                  finalStatus = Frames.finalStatus(call);
                }
              }
              deliverTurns(ar.result().turns());
              if (delivered < upTo) {
                LOG.warning(
                    "call "
                        + callId
                        + ": turns "
                        + (delivered + 1)
                        + ".."
                        + upTo
                        + " are not stored; skipping");
                delivered = upTo;
              }
              state = State.LIVE;
              drain();
            });
  }

  private void deliverTurns(Iterable<Transcription> turns) {
    for (Transcription t : turns) {
      if (t.sequenceNumber() == delivered + 1) {
        socket.send(Frames.turn(t, callSid, conversationId));
        delivered = t.sequenceNumber();
      }
    }
  }

  private void deliverCompletion(String completedFrame, boolean withStatus) {
    if (withStatus && finalStatus != null) {
      socket.send(finalStatus);
    }
    socket.send(completedFrame);
    socket.subscriptionEnded(this);
  }

  private void refreshIds(Call call) {
    callSid = call.callSid();
    conversationId = call.conversationId();
  }

  private ArrayDeque<CallEvents.Received> queue() {
    if (pending == null) {
      pending = new ArrayDeque<>(4);
    }
    return pending;
  }
}
