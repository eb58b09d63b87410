package io.callstream.http;

import io.callstream.Services;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The API role: routes for people and scripts (auth, calls, drivers, backfill), one routes class per feature. */
public final class ApiRoutes {
  private final Vertx vertx;
  private final Services services;

  public ApiRoutes(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  public void addRoutes(Router router) {
    // feature routes are added here (calls API issue)
  }
}
