package io.callstream.app;

import io.callstream.call.Backfill;
import io.callstream.call.CallCompletions;
import io.callstream.call.CallMetrics;
import io.callstream.call.ElevenLabsClient;
import io.callstream.config.Config;
import io.callstream.db.Database;
import io.callstream.reconcile.LeaderLock;
import io.callstream.reconcile.Reconciler;
import io.callstream.webhook.PostCallInbox;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;

/**
 * The reconciler's object graph, deployed once per node (never per HTTP instance): its own
 * ElevenLabs client, the call domain's completions, the webhook inbox as the {@link
 * io.callstream.call.ParkedEvents} to apply, and the leader lock on a dedicated connection
 * (application_name {@code callstream-reconciler}, so operators see the lock holder in
 * pg_stat_activity). Undeploying it stops the runs and releases the lock.
 */
public final class ReconcilerVerticle extends VerticleBase {
  private final NodeResources node;
  private Reconciler reconciler;

  public ReconcilerVerticle(NodeResources node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    Config config = node.config();
    CallMetrics callMetrics = new CallMetrics(node.registry());
    CallCompletions completions = new CallCompletions(node.pool(), vertx.eventBus(), callMetrics);
    Backfill backfill =
        config.elevenLabs().apiKey() == null
            ? null
            : new Backfill(
                new ElevenLabsClient(vertx, config.elevenLabs(), callMetrics), completions);
    LeaderLock lock = new LeaderLock(this::lockConnection, config.database().schema());
    reconciler =
        new Reconciler(
            vertx,
            node.pool(),
            lock,
            backfill,
            new PostCallInbox(node.pool(), completions),
            callMetrics,
            node.registry(),
            config.reconcile());
    reconciler.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return reconciler == null ? Future.succeededFuture() : reconciler.stop();
  }

  /**
   * A connection of its own: the lock lives as long as its session, so it must never go back to a
   * pool.
   */
  private Future<SqlConnection> lockConnection() {
    // the same address, credentials and TLS as the pool (DATABASE_URL's sslmode applies here too)
    return PgConnection.connect(
            vertx, Database.connectOptions(node.config().database(), "callstream-reconciler"))
        .map(c -> c);
  }
}
