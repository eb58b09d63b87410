package io.callstream.live;

import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One socket's watch on the fleet feed: the lifecycle of every call on every node (call_started,
 * call_status, call_completed; never transcript turns). Registered before its snapshot of active
 * calls is read, buffering what arrives meanwhile, so nothing between the snapshot and the live
 * events is lost; the snapshot comes first, in the confirmation. A client keeps its board keyed by
 * call_sid, so an event that the snapshot already reflects only repeats what the board shows.
 * Event-loop confined.
 */
final class FleetWatch {
  private static final Logger LOG = Logger.getLogger(FleetWatch.class.getName());

  /** The snapshot's bound: a board shows at most this many active calls. */
  static final int SNAPSHOT_LIMIT = 500;

  private final LiveSocket socket;
  private ArrayDeque<String> buffered = new ArrayDeque<>();
  private long bufferedBytes;
  private boolean ended;

  FleetWatch(LiveSocket socket) {
    this.socket = socket;
  }

  void start() {
    socket
        .hub
        .catchUp
        .active(SNAPSHOT_LIMIT)
        .onComplete(
            ar -> {
              if (ended) {
                return;
              }
              if (ar.failed()) {
                LOG.warning("fleet snapshot failed: " + ar.cause());
                socket.serverError();
                return;
              }
              socket.send(Frames.watchConfirmed(ar.result()));
              ArrayDeque<String> held = buffered;
              buffered = null;
              held.forEach(socket::send);
            });
  }

  /** A lifecycle frame of any call. */
  void offer(String frame) {
    if (ended) {
      return;
    }
    if (buffered != null) {
      // held while the snapshot waits for PostgreSQL: bounded like the socket's outgoing queue
      // (WS_MAX_QUEUE_BYTES)
      bufferedBytes += frame.length();
      if (bufferedBytes > socket.hub.config.maxQueueBytes()) {
        socket.fellBehind();
        return;
      }
      buffered.addLast(frame);
    } else {
      socket.send(frame);
    }
  }

  void end() {
    ended = true;
    buffered = null;
  }
}
