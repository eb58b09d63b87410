package io.callstream.db;

import io.callstream.config.Config;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway over JDBC: blocking, so it runs at start-up before any verticle is deployed (or inside
 * executeBlocking). Scripts are the top-level {@code migrations/} folder, packaged as {@code
 * db/migration}.
 */
public final class Migrations {
  /**
   * The newest bundled migration (V11__…); MigrationsTest checks it against the migrations folder.
   */
  public static final int NEWEST_VERSION = 11;

  /**
   * A migration connection that receives nothing for this long fails start-up (a stalled or
   * vanished server).
   */
  static final int MIGRATION_SOCKET_TIMEOUT_SECONDS = 600;

  private Migrations() {}

  public static MigrateResult migrate(Config.Database db) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(jdbcUrl(db, MIGRATION_SOCKET_TIMEOUT_SECONDS, 0), db.user(), db.password())
            .schemas(db.schema())
            .defaultSchema(db.schema())
            .createSchemas(true)
            .locations("classpath:db/migration")
            .connectRetries(0)
            .load();
    return flyway.migrate();
  }

  /**
   * What {@code serve} runs: one query first, and Flyway (its class-path scan, validation and
   * locking, about 0.3 s of a 2-core node's start) only when the schema is behind {@link
   * #NEWEST_VERSION} or has no history yet. Returns whether Flyway ran. {@code callstream migrate}
   * always runs Flyway, checksums validated.
   */
  public static boolean migrateIfBehind(Config.Database db) {
    if (appliedVersion(db) >= NEWEST_VERSION) {
      return false;
    }
    migrate(db);
    return true;
  }

  /**
   * The highest successfully applied version, or 0 when the schema has no Flyway history (or is
   * unreadable).
   */
  static int appliedVersion(Config.Database db) {
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    int socketSeconds =
        db.statementTimeoutMs() == 0
            ? MIGRATION_SOCKET_TIMEOUT_SECONDS
            : db.statementTimeoutMs() / 1000 + 5;
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl(db, socketSeconds, db.statementTimeoutMs()), props);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT coalesce(max(version::int), 0) FROM "
                    + quoted(db.schema())
                    + ".flyway_schema_history WHERE success AND version ~ '^[0-9]+$'")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      return 0; // no history table yet, or anything else: Flyway decides, and reports real errors
      // itself
    }
  }

  /**
   * Bounded like the pools: connecting and logging in take at most 5 and 10 s, waiting for a lock
   * (a DDL statement behind a long transaction would otherwise queue every later query on that
   * table behind itself) DB_LOCK_TIMEOUT_MS, and a connection that stops answering fails after
   * {@code socketSeconds} (statement_timeout cannot help there: it is enforced by the server, which
   * a stalled network never reaches). {@code statementMs} 0: no statement bound (a migration may
   * legitimately take long; the socket timeout still bounds a dead server).
   */
  static String jdbcUrl(Config.Database db, int socketSeconds, int statementMs) {
    String options =
        "-c lock_timeout=" + db.lockTimeoutMs() + " -c statement_timeout=" + statementMs;
    return db.jdbcUrl()
        + "&connectTimeout=5&loginTimeout=10&socketTimeout="
        + socketSeconds
        + "&ApplicationName=callstream-migrate&options="
        + URLEncoder.encode(options, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
