package io.callstream.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * The baselines' server, run as its own JVM ({@code BareServer PORT}): plain Vert.x core, as many
 * HTTP verticle instances as callstream deploys by default (one per two cores) sharing the port,
 * with the same server options. GET /ping answers 200; a WebSocket is kept and answers any text
 * message with a confirmation; POST /broadcast writes its body as one text frame to every socket of
 * every instance (published on the local event bus, like callstream's fan-out).
 */
public final class BareServer extends VerticleBase {
  private static final String ADDRESS = "bare.broadcast";
  private static final String CONFIRMED = "{\"type\":\"subscription_confirmed\"}";

  private final int port;
  private final Set<ServerWebSocket> sockets = new HashSet<>();

  private BareServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    int instances =
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2); // HTTP_INSTANCES' default
    vertx
        .deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare server listening on " + port))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }

  @Override
  public Future<?> start() {
    vertx
        .eventBus()
        .<String>localConsumer(ADDRESS, m -> sockets.forEach(ws -> ws.writeTextMessage(m.body())));
    HttpServerOptions options =
        new HttpServerOptions()
            .setPort(port)
            .setHost("127.0.0.1")
            .setMaxWebSocketFrameSize(65_536)
            .setMaxWebSocketMessageSize(65_536)
            .setRegisterWebSocketWriteHandlers(false)
            .setIdleTimeout(0);
    return vertx
        .createHttpServer(options)
        .requestHandler(this::request)
        .webSocketHandler(this::socket)
        .listen();
  }

  private void request(HttpServerRequest request) {
    if (request.method() == HttpMethod.POST && request.path().equals("/broadcast")) {
      request
          .body()
          .onSuccess(
              body -> {
                vertx.eventBus().publish(ADDRESS, body.toString());
                request.response().end("ok");
              });
    } else {
      request.response().end("pong");
    }
  }

  private void socket(ServerWebSocket ws) {
    sockets.add(ws);
    ws.textMessageHandler(text -> ws.writeTextMessage(CONFIRMED));
    ws.exceptionHandler(e -> {});
    ws.closeHandler(v -> sockets.remove(ws));
  }
}
