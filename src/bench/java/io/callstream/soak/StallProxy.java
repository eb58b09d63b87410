package io.callstream.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of the soak's PostgreSQL (the nodes' DATABASE_URL points here). {@link
 * #stall()} makes the database hang without failing: every connection stays open but no byte moves
 * in either direction, and new connections are accepted and then left unanswered; {@link #resume()}
 * lets everything flow again, nothing lost. Event-loop confined (the methods hop onto the proxy's
 * context).
 */
final class StallProxy {
  private final Vertx vertx;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final List<NetSocket> held = new ArrayList<>();
  private NetClient client;
  private volatile boolean stalled;
  private int port;

  StallProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
  }

  Future<Integer> listen(int listenPort) {
    client = vertx.createNetClient();
    return vertx
        .createNetServer()
        .connectHandler(this::accept)
        .listen(listenPort, "127.0.0.1")
        .map(
            s -> {
              port = s.actualPort();
              return port;
            });
  }

  int port() {
    return port;
  }

  synchronized void stall() {
    stalled = true;
    sockets.forEach(NetSocket::pause);
  }

  synchronized void resume() {
    stalled = false;
    sockets.forEach(NetSocket::resume);
    List<NetSocket> waiting = new ArrayList<>(held);
    held.clear();
    waiting.forEach(this::forward);
  }

  private synchronized void accept(NetSocket in) {
    in.pause();
    in.closeHandler(v -> sockets.remove(in));
    if (stalled) {
      held.add(in);
    } else {
      forward(in);
    }
  }

  private void forward(NetSocket in) {
    client
        .connect(targetPort, "127.0.0.1")
        .onComplete(
            ar -> {
              if (ar.failed()) {
                in.close();
                return;
              }
              NetSocket out = ar.result();
              sockets.add(in);
              sockets.add(out);
              out.closeHandler(
                  v -> {
                    sockets.remove(out);
                    in.close();
                  });
              in.closeHandler(
                  v -> {
                    sockets.remove(in);
                    out.close();
                  });
              in.handler(
                  b -> {
                    out.write(b);
                    if (out.writeQueueFull()) {
                      in.pause();
                      out.drainHandler(
                          v -> {
                            if (!stalled) in.resume();
                          });
                    }
                  });
              out.handler(
                  b -> {
                    in.write(b);
                    if (in.writeQueueFull()) {
                      out.pause();
                      in.drainHandler(
                          v -> {
                            if (!stalled) out.resume();
                          });
                    }
                  });
              synchronized (this) {
                if (stalled) {
                  out.pause();
                } else {
                  in.resume();
                }
              }
            });
  }
}
