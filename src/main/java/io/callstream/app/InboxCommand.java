package io.callstream.app;

import io.callstream.call.CallCompletions;
import io.callstream.call.CallMetrics;
import io.callstream.config.Config;
import io.callstream.webhook.InboxRepository;
import io.callstream.webhook.PostCallInbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inbox list [--failed]} and {@code inbox retry ID|--all-failed}: the post-call inbox
 * (webhook_events). A retry hands the stored bytes of a failed row to {@link
 * PostCallInbox#redeliver}, the webhook's own path, on a short-lived Vert.x outside the cluster:
 * the result is stored and the row marked processed, nothing is announced on the bus
 * (docs/operator-cli.md).
 */
@Command(
    name = "inbox",
    description = "The post-call inbox: list [--failed] | retry ID|--all-failed.")
final class InboxCommand {
  private static final int RETRY_TIMEOUT_SECONDS = 120;

  private final Cli cli;

  InboxCommand(Cli cli) {
    this.cli = cli;
  }

  @Command(
      name = "list",
      description =
          "The newest inbox rows (id, type, status, attempts, received, "
              + "conversation or call, error).")
  int list(
      @Option(names = "--failed", description = "only rows that failed to apply") boolean failed,
      @Option(
              names = "--limit",
              defaultValue = "50",
              paramLabel = "N",
              description = "at most this many rows (default 50)")
          int limit) {
    if (limit < 1 || limit > 100_000) {
      throw new Cli.Usage("--limit must be between 1 and 100000");
    }
    Config.Database db = cli.migratedDatabase();
    try (Connection c = Cli.jdbc(db)) {
      List<InboxRepository.Listed> rows = InboxRepository.list(c, failed, limit);
      cli.out.printf(
          "%-8s %-28s %-9s %-8s %-32s %-32s %s%n",
          "ID", "TYPE", "STATUS", "ATTEMPTS", "RECEIVED", "CONVERSATION/CALL", "ERROR");
      for (InboxRepository.Listed row : rows) {
        String error = row.error().replace('\n', ' ');
        cli.out.printf(
            "%-8d %-28s %-9s %-8d %-32s %-32s %s%n",
            row.id(),
            row.type(),
            row.status(),
            row.attempts(),
            row.receivedAt(),
            row.identifier(),
            error.length() > 200 ? error.substring(0, 200) + "…" : error);
      }
    } catch (SQLException e) {
      throw new Cli.Failure("inbox list: " + Main.rootMessage(e));
    }
    return 0;
  }

  /** Exactly one of: an id, or --all-failed. */
  static final class Which {
    @Parameters(paramLabel = "ID", description = "the failed row's id (inbox list --failed)")
    Long id;

    @Option(names = "--all-failed", required = true, description = "every failed row, oldest first")
    boolean all;
  }

  @Command(
      name = "retry",
      description =
          "Apply failed rows again through the webhook's own code path; exit 1 "
              + "if any still fails.")
  int retry(@ArgGroup(multiplicity = "1") Which which) {
    Config.Database db = cli.migratedDatabase();
    List<String> failures =
        Cli.withPool(
            db,
            RETRY_TIMEOUT_SECONDS,
            rt -> {
              CallCompletions completions =
                  new CallCompletions(
                      rt.pool(), rt.vertx().eventBus(), new CallMetrics(new SimpleMeterRegistry()));
              PostCallInbox inbox = new PostCallInbox(rt.pool(), completions, false);
              return inbox
                  .failed(which.all ? null : which.id)
                  .compose(
                      rows -> {
                        if (rows.isEmpty()) {
                          return Future.failedFuture(
                              new Cli.Failure(
                                  which.all
                                      ? "no failed rows"
                                      : "no failed row with id "
                                          + which.id
                                          + " (inbox list --failed)"));
                        }
                        List<String> still = new java.util.ArrayList<>();
                        Future<Void> chain = Future.succeededFuture();
                        for (InboxRepository.Failed row : rows) {
                          chain =
                              chain.compose(
                                  v ->
                                      inbox
                                          .redeliver(row.raw(), row.sha256())
                                          .onSuccess(
                                              receipt ->
                                                  cli.out.println(
                                                      "inbox row "
                                                          + row.id()
                                                          + ": "
                                                          + describe(receipt)))
                                          .<Void>mapEmpty()
                                          .recover(
                                              e -> {
                                                cli.out.println(
                                                    "inbox row "
                                                        + row.id()
                                                        + ": still failing: "
                                                        + Main.rootMessage(e));
                                                still.add("inbox row " + row.id());
                                                return Future.succeededFuture();
                                              }));
                        }
                        return chain.map(v -> still);
                      });
            });
    if (!failures.isEmpty()) {
      throw new Cli.Failure(
          failures.size() + " of the rows still failed (inbox list --failed shows why)");
    }
    return 0;
  }

  private static String describe(PostCallInbox.Receipt receipt) {
    return switch (receipt) {
      case APPLIED -> "applied";
      case UNCHANGED -> "applied (the call had it already)";
      case PARKED -> "parked: its call is unknown; applied when the call appears";
      case DUPLICATE -> "already applied meanwhile";
      case IGNORED -> "ignored (a type callstream does not apply)";
    };
  }
}
