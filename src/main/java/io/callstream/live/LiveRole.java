package io.callstream.live;

import io.callstream.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The live role of a verticle instance: its WebSocket endpoint and its own local subscriptions. */
public final class LiveRole {
  private final Vertx vertx;
  private final Services services;

  public LiveRole(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  public void addRoutes(Router router) {
    // live feed issue
  }

  public Future<Void> start() {
    return Future.succeededFuture();
  }

  public Future<Void> stop() {
    return Future.succeededFuture();
  }
}
