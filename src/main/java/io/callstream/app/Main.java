package io.callstream.app;

import io.callstream.config.Config;
import io.callstream.config.ConfigException;
import io.callstream.db.Migrations;
import io.callstream.errortracking.SentryLink;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * The command line (docs/operator-cli.md): {@code serve} (default), {@code migrate}, {@code config
 * check}, {@code user …}, {@code inbox …}, {@code reconcile now}, {@code purge}. Exit codes: 0 ok,
 * 1 failure, 2 usage or configuration error, each error as one line on standard error.
 */
public final class Main {
  private static final Logger LOG = Logger.getLogger(Main.class.getName());
  static final int EXIT_FAILURE = 1;
  static final int EXIT_CONFIG = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.getenv()));
  }

  public static int run(List<String> args, Map<String, String> env) {
    return run(args, env, System.in);
  }

  /**
   * In-process (tests): the standard streams as they are now, the given environment and standard
   * input.
   */
  public static int run(List<String> args, Map<String, String> env, InputStream stdin) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    try {
      return Commands.commandLine(new Cli(env, stdin, out, err))
          .execute(args.toArray(String[]::new));
    } finally {
      out.flush();
      err.flush();
    }
  }

  static int migrate(Config.Database db) {
    try {
      var result = Migrations.migrate(db);
      LOG.info(
          result.migrationsExecuted == 0
              ? "database schema is up to date"
              : "migrations applied: "
                  + result.migrationsExecuted
                  + ", schema version "
                  + result.targetSchemaVersion);
      return 0;
    } catch (RuntimeException e) {
      throw new Cli.Failure("migration failed: " + rootMessage(e));
    }
  }

  static int serve(Config config) {
    if (config.webhooks().allowUnsigned()) {
      LOG.warning(
          "WEBHOOK_ALLOW_UNSIGNED=true: webhooks are accepted WITHOUT signature checks. Development only!");
    }
    long t0 = System.nanoTime();
    // migrations (blocking JDBC; Flyway only when the schema is behind) run on their own thread
    // while Vert.x
    // starts and joins the cluster; the verticles are deployed only after they succeeded
    CompletableFuture<Void> migrated =
        CompletableFuture.runAsync(
            () -> Migrations.migrateIfBehind(config.database()),
            runnable -> new Thread(runnable, "callstream-migrate").start());
    // Sentry is process-global: initialised once, here on the main thread, before the node starts;
    // closed (queued
    // events flushed, at most 2 s) after the node stopped
    try (SentryLink sentry =
        SentryLink.open(
            config.ops().sentryDsn(),
            config.ops().sentryEnvironment(),
            config.ops().sentryRelease())) {
      Node node;
      try {
        node =
            Node.start(config, migrated, sentry)
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new Cli.Failure(
            (migrated.isCompletedExceptionally() ? "migration failed: " : "start-up failed: ")
                + rootMessage(e));
      }
      LOG.info(
          String.format(
              "callstream %s node listening on port %d (%d instances, roles %s, %s) in %d ms",
              BuildInfo.CURRENT.version(),
              config.http().port(),
              config.http().instances(),
              config.http().roles(),
              config.cluster().enabled() ? "clustered" : "standalone",
              (System.nanoTime() - t0) / 1_000_000));
      Shutdown.install(node);
      return Shutdown.awaitExitCode();
    }
  }

  /** Maps what a command threw to its exit code and one line on standard error. */
  static int handle(Exception e, CommandLine cmd) {
    PrintWriter err = cmd.getErr();
    if (e instanceof ConfigException) {
      err.println("callstream: configuration error: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (e instanceof Cli.Usage) {
      err.println("callstream: " + e.getMessage());
      return EXIT_CONFIG;
    }
    if (e instanceof Cli.Failure) {
      err.println("callstream: " + e.getMessage());
      return EXIT_FAILURE;
    }
    err.println("callstream: " + cmd.getCommandName() + " failed: " + rootMessage(e));
    return EXIT_FAILURE;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null
        ? t.getClass().getSimpleName()
        : message.lines().findFirst().orElse(message);
  }
}
