package io.callstream.app;

import io.callstream.db.Database;
import io.callstream.web.Responses;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * GET /health (alive, with the version and whether the node runs in demo mode, which the console
 * shows as a banner), GET /ready (database answers, cluster joined, not draining), GET /metrics.
 */
final class HealthRoutes {
  private static final Logger LOG = Logger.getLogger(HealthRoutes.class.getName());
  private final Pool pool;
  private final NodeState state;
  private final MeterRegistry registry;
  private final boolean demo;

  /** Only touched on this instance's event loop. */
  private String lastDatabaseError;

  HealthRoutes(Pool pool, NodeState state, MeterRegistry registry, boolean demo) {
    this.demo = demo;
    this.pool = pool;
    this.state = state;
    this.registry = registry;
  }

  public void addRoutes(Router router) {
    router
        .get("/health")
        .handler(
            ctx ->
                Responses.json(
                    ctx.response(),
                    new JsonObject()
                        .put("status", "ok")
                        .put("version", BuildInfo.CURRENT.version())
                        .put("demo", demo)));
    router.get("/ready").handler(this::ready);
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prometheus));
    }
  }

  private void ready(RoutingContext ctx) {
    readiness()
        .onComplete(
            ar -> {
              JsonObject body =
                  new JsonObject()
                      .put("status", ar.succeeded() ? "ready" : "not_ready")
                      .put("clustered", state.clustered())
                      .put("members", state.clusterSize());
              if (ar.failed()) {
                body.put("reason", ar.cause().getMessage());
              }
              Responses.json(ctx.response().setStatusCode(ar.succeeded() ? 200 : 503), body);
            });
  }

  private Future<Void> readiness() {
    if (state.draining()) {
      return Future.failedFuture("node is draining");
    }
    if (!state.clusterMember()) {
      return Future.failedFuture("node is not a cluster member");
    }
    // the answer is public: a fixed reason; the driver's text (host names, user names) goes to the
    // log, once per
    // outage rather than at every probe
    return Database.ping(pool)
        .timeout(2, TimeUnit.SECONDS)
        .andThen(ar -> state.databaseAnswered(ar.succeeded()))
        .onSuccess(v -> lastDatabaseError = null)
        .recover(
            e -> {
              String detail = String.valueOf(e.getMessage());
              if (!detail.equals(lastDatabaseError)) {
                lastDatabaseError = detail;
                LOG.warning("not ready: database unavailable: " + detail);
              }
              return Future.failedFuture("database unavailable");
            });
  }
}
