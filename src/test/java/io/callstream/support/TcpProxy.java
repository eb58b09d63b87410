package io.callstream.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder in front of the real PostgreSQL: {@link #down()} closes it and every connection through it
 * (the database "stops" for whatever uses this port), {@link #up()} opens it again on the same port.
 */
public final class TcpProxy {
  private final Vertx vertx;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
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

  private void forward(NetSocket in) {
    in.pause();
    sockets.add(in);
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        in.close();
        return;
      }
      NetSocket out = ar.result();
      sockets.add(out);
      in.pipeTo(out);
      out.pipeTo(in);
      in.resume();
    });
  }
}
