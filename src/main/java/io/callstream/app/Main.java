package io.callstream.app;

import io.callstream.config.Config;
import io.callstream.config.ConfigException;
import io.callstream.config.Settings;
import io.callstream.db.Migrations;
import io.callstream.errortracking.SentryLink;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The command line (contract §6): {@code serve} (default), {@code migrate}, {@code user add NAME --role R}.
 * Reads configuration, runs migrations, starts the node; nothing else happens here.
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
    String command = args.isEmpty() ? "serve" : args.get(0);
    try {
      return switch (command) {
        case "serve" -> serve(load(env));
        case "migrate" -> migrate(load(env));
        case "user" -> UserCommand.run(args.subList(1, args.size()), env);
        case "help", "--help", "-h" -> usage(0);
        default -> {
          System.err.println("callstream: unknown command '" + command + "'");
          yield usage(EXIT_CONFIG);
        }
      };
    } catch (ConfigException e) {
      System.err.println("callstream: configuration error: " + e.getMessage());
      return EXIT_CONFIG;
    }
  }

  static Config load(Map<String, String> env) {
    Config config = Config.from(Settings.load(env));
    Logging.configure(config.logFormat());
    return config;
  }

  private static int usage(int code) {
    System.err.println("usage: callstream [serve | migrate | user add NAME --role dispatcher|admin]");
    return code;
  }

  private static int migrate(Config config) {
    try {
      var result = Migrations.migrate(config.database());
      LOG.info(result.migrationsExecuted == 0 ? "database schema is up to date"
          : "migrations applied: " + result.migrationsExecuted + ", schema version " + result.targetSchemaVersion);
      return 0;
    } catch (RuntimeException e) {
      System.err.println("callstream: migration failed: " + rootMessage(e));
      return EXIT_FAILURE;
    }
  }

  private static int serve(Config config) {
    if (config.webhooks().allowUnsigned()) {
      LOG.warning("WEBHOOK_ALLOW_UNSIGNED=true: webhooks are accepted WITHOUT signature checks. Development only!");
    }
    long t0 = System.nanoTime();
    // migrations (blocking JDBC; Flyway only when the schema is behind) run on their own thread while Vert.x
    // starts and joins the cluster; the verticles are deployed only after they succeeded
    CompletableFuture<Void> migrated = CompletableFuture.runAsync(() -> Migrations.migrateIfBehind(config.database()),
        runnable -> new Thread(runnable, "callstream-migrate").start());
    // Sentry is process-global: initialised once, here on the main thread, before the node starts; closed (queued
    // events flushed, at most 2 s) after the node stopped
    try (SentryLink sentry = SentryLink.open(config.ops().sentryDsn(), config.ops().sentryEnvironment(),
        config.ops().sentryRelease())) {
      Node node;
      try {
        node = Node.start(config, migrated, sentry).toCompletionStage().toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println((migrated.isCompletedExceptionally() ? "callstream: migration failed: "
            : "callstream: start-up failed: ") + rootMessage(e));
        return EXIT_FAILURE;
      }
      LOG.info(String.format("callstream node listening on port %d (%d instances, roles %s, %s) in %d ms",
          config.http().port(), config.http().instances(), config.http().roles(),
          config.cluster().enabled() ? "clustered" : "standalone", (System.nanoTime() - t0) / 1_000_000));
      Shutdown.install(node);
      return Shutdown.awaitExitCode();
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
  }
}
