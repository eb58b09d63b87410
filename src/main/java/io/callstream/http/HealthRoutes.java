package io.callstream.http;

import io.callstream.Services;
import io.callstream.db.Database;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** GET /health (alive), GET /ready (database answers, cluster joined, not draining), GET /metrics. */
public final class HealthRoutes {
  private final Services services;

  public HealthRoutes(Services services) {
    this.services = services;
  }

  public void addRoutes(Router router) {
    router.get("/health").handler(ctx -> Responses.json(ctx.response(), new JsonObject().put("status", "ok")));
    router.get("/ready").handler(this::ready);
    if (services.metrics() instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
  }

  private void ready(RoutingContext ctx) {
    readiness().onComplete(ar -> {
      JsonObject body = new JsonObject()
          .put("status", ar.succeeded() ? "ready" : "not_ready")
          .put("clustered", services.node().clustered())
          .put("members", services.node().clusterSize());
      if (ar.failed()) {
        body.put("reason", ar.cause().getMessage());
      }
      Responses.json(ctx.response().setStatusCode(ar.succeeded() ? 200 : 503), body);
    });
  }

  private Future<Void> readiness() {
    if (services.node().draining()) {
      return Future.failedFuture("node is draining");
    }
    if (!services.node().clusterMember()) {
      return Future.failedFuture("node is not a cluster member");
    }
    return Database.ping(services.pool())
        .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
        .recover(e -> Future.failedFuture("database unavailable: " + e.getMessage()));
  }
}
