package io.callstream.app;

import io.callstream.config.Config;
import io.callstream.config.Settings;
import io.callstream.db.Database;
import io.callstream.db.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.InputStream;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What every command is given: the environment, standard input and the output streams, and the ways
 * a command reaches the database: blocking JDBC for the simple ones, a short-lived Vert.x with a
 * small pool for those that run the node's own (reactive) code.
 */
final class Cli {
  /** A usage or argument error: exit code 2 and the message on standard error. */
  static final class Usage extends RuntimeException {
    Usage(String message) {
      super(message, null, false, false);
    }
  }

  /** A command that ran and failed: exit code 1 and the message on standard error. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  final Map<String, String> env;
  final InputStream stdin;
  final PrintWriter out;
  final PrintWriter err;

  Cli(Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err) {
    this.env = env;
    this.stdin = stdin;
    this.out = out;
    this.err = err;
  }

  Settings settings() {
    return Settings.load(env);
  }

  /** The whole configuration, validated (what {@code serve} reads); logging configured from it. */
  Config config() {
    Config config = Config.from(settings());
    Logging.configure(config.logFormat());
    return config;
  }

  /** Only DATABASE_URL and DB_SCHEMA: the database commands need nothing else. */
  Config.Database database() {
    return Config.database(settings(), 2);
  }

  /**
   * The database, migrated to this version's schema (expand-only migrations: safe while older nodes
   * run).
   */
  Config.Database migratedDatabase() {
    Config.Database db = database();
    Migrations.migrateIfBehind(db);
    return db;
  }

  static Connection jdbc(Config.Database db) throws SQLException {
    Connection c =
        DriverManager.getConnection(
            db.jdbcUrl() + "&ApplicationName=callstream-cli", db.user(), db.password());
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + db.schema());
    }
    return c;
  }

  /**
   * Runs {@code work} on a Vert.x (not clustered) with a pool of its own, waits at most {@code
   * timeoutSeconds}, and closes both.
   */
  static <T> T withPool(
      Config.Database db, int timeoutSeconds, Function<Reactive, Future<T>> work) {
    Vertx vertx = Vertx.vertx();
    Pool pool = Database.createPool(vertx, db);
    try {
      // on an event loop, as the node's own code expects
      io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
      vertx.runOnContext(
          v -> {
            try {
              work.apply(new Reactive(vertx, pool)).onComplete(done);
            } catch (RuntimeException e) {
              done.fail(e);
            }
          });
      return done.future()
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Failure("no answer within " + timeoutSeconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new Failure(Main.rootMessage(e));
    } finally {
      // one after the other from this thread: closing Vert.x from one of its own event loops cannot
      // complete
      await(pool.close());
      await(vertx.close());
    }
  }

  private static void await(Future<Void> closing) {
    try {
      closing.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the process is about to end anyway
    }
  }

  /** A short-lived Vert.x and its pool. */
  record Reactive(Vertx vertx, Pool pool) {}
}
