package io.callstream.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of the real PostgreSQL: {@link #down()} closes it and every connection
 * through it (the database "stops" for whatever uses this port), {@link #up()} opens it again on
 * the same port. {@link #stall()} keeps every connection open but forwards nothing either way (new
 * connections are accepted and held too): the database "hangs", as behind a lost network path or a
 * frozen server; {@link #unstall()} delivers what was held, in order, and forwards again.
 */
public final class TcpProxy {
  private final Vertx vertx;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final Set<Runnable> flushers = ConcurrentHashMap.newKeySet();
  private volatile boolean stalled;
  private volatile boolean refusing;
  private final java.util.concurrent.atomic.AtomicInteger refused =
      new java.util.concurrent.atomic.AtomicInteger();
  private NetServer server;
  private NetClient client;

  public TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.port = Ports.free();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  public int port() {
    return port;
  }

  public Future<Void> up() {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(this::forward);
    return server.listen(port, "127.0.0.1").mapEmpty();
  }

  public Future<Void> down() {
    sockets.forEach(NetSocket::close);
    sockets.clear();
    return server.close().compose(v -> client.close());
  }

  /**
   * Closes every connection through the proxy and closes each new one as soon as it is accepted
   * (counted in {@link #refused()}) until {@link #admit()}: the database is "down" for whoever uses
   * this port, and a test can wait for the moment a client tried it.
   */
  public void refuse() {
    refusing = true;
    sockets.forEach(NetSocket::close);
    sockets.clear();
  }

  public void admit() {
    refusing = false;
  }

  /** Connections closed by {@link #refuse()} on arrival. */
  public int refused() {
    return refused.get();
  }

  private void forward(NetSocket in) {
    if (refusing) {
      refused.incrementAndGet();
      in.close();
      return;
    }
    in.pause();
    sockets.add(in);
    client
        .connect(targetPort, targetHost)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                in.close();
                return;
              }
              NetSocket out = ar.result();
              sockets.add(out);
              Context context = Vertx.currentContext();
              relay(in, out, context);
              relay(out, in, context);
              in.resume();
            });
  }

  public void stall() {
    stalled = true;
  }

  public void unstall() {
    stalled = false;
    flushers.forEach(Runnable::run);
  }

  /**
   * Forwards {@code from}'s bytes to {@code to}, holding them while stalled; all on the
   * connection's context.
   */
  private void relay(NetSocket from, NetSocket to, Context context) {
    ArrayDeque<Buffer> held = new ArrayDeque<>();
    Runnable flush =
        () ->
            context.runOnContext(
                v -> {
                  while (!stalled && !held.isEmpty()) {
                    to.write(held.poll());
                  }
                });
    flushers.add(flush);
    from.handler(
        data -> {
          if (stalled || !held.isEmpty()) {
            held.add(data);
            flush.run();
          } else {
            to.write(data);
          }
        });
    from.closeHandler(
        v -> {
          flushers.remove(flush);
          to.close();
        });
  }
}
