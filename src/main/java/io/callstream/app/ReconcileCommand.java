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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import picocli.CommandLine.Command;

/**
 * {@code reconcile now}: one reconciler run at once, with the node's own {@link Reconciler} and its
 * leader lock (a node that holds the lock makes this a no-op: exit 1, "not_leader"). Needs the
 * whole configuration (the ElevenLabs settings to fetch stuck calls). Events it owes are published
 * on its own, unclustered bus: nobody hears them; dashboards see the changes on their next
 * catch-up.
 */
@Command(name = "reconcile", description = "The reconciler: now.")
final class ReconcileCommand {
  private static final int TIMEOUT_SECONDS = 300;

  private final Cli cli;

  ReconcileCommand(Cli cli) {
    this.cli = cli;
  }

  @Command(
      name = "now",
      description =
          "Run one reconciler cycle now (stuck calls, stale calls, parked events); "
              + "exit 1 when another node holds the reconciler lock or the run failed.")
  int now() {
    Config config = cli.config();
    Config.Database db = cli.migratedDatabase();
    String outcome =
        Cli.withPool(
            db,
            TIMEOUT_SECONDS,
            rt -> {
              SimpleMeterRegistry registry = new SimpleMeterRegistry();
              CallMetrics metrics = new CallMetrics(registry);
              CallCompletions completions =
                  new CallCompletions(rt.pool(), rt.vertx().eventBus(), metrics);
              Backfill backfill =
                  config.elevenLabs().apiKey() == null || config.elevenLabs().simulator()
                      ? null
                      : new Backfill(
                          new ElevenLabsClient(rt.vertx(), config.elevenLabs(), metrics),
                          completions);
              LeaderLock lock =
                  new LeaderLock(
                      () ->
                          PgConnection.connect(
                                  rt.vertx(), Database.connectOptions(db, "callstream-reconciler"))
                              .map(c -> (SqlConnection) c),
                      db.schema());
              Reconciler reconciler =
                  new Reconciler(
                      rt.vertx(),
                      rt.pool(),
                      lock,
                      backfill,
                      new PostCallInbox(rt.pool(), completions, false),
                      metrics,
                      registry,
                      config.reconcile());
              return reconciler.runNow().compose(result -> reconciler.stop().map(result));
            });
    cli.out.println("reconcile: " + outcome);
    if (!outcome.startsWith("ok")) {
      throw new Cli.Failure(
          "reconcile now: "
              + (outcome.equals("not_leader")
                  ? "another node holds the reconciler lock; its next run does this"
                  : "the run failed (see the log)"));
    }
    return 0;
  }
}
