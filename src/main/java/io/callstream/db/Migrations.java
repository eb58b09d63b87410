package io.callstream.db;

import io.callstream.config.Config;
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
 * executeBlocking). Scripts are the top-level {@code migrations/} folder, packaged as {@code db/migration}.
 */
public final class Migrations {
  /** The newest bundled migration (V5__…); MigrationsTest checks it against the migrations folder. */
  public static final int NEWEST_VERSION = 5;

  private Migrations() {}

  public static MigrateResult migrate(Config.Database db) {
    Flyway flyway = Flyway.configure()
        .dataSource(jdbcUrl(db), db.user(), db.password())
        .schemas(db.schema())
        .defaultSchema(db.schema())
        .createSchemas(true)
        .locations("classpath:db/migration")
        .connectRetries(0)
        .load();
    return flyway.migrate();
  }

  /**
   * What {@code serve} runs: one query first, and Flyway (its class-path scan, validation and locking, about
   * 0.3 s of a 2-core node's start) only when the schema is behind {@link #NEWEST_VERSION} or has no history yet.
   * Returns whether Flyway ran. {@code callstream migrate} always runs Flyway, checksums validated.
   */
  public static boolean migrateIfBehind(Config.Database db) {
    if (appliedVersion(db) >= NEWEST_VERSION) {
      return false;
    }
    migrate(db);
    return true;
  }

  /** The highest successfully applied version, or 0 when the schema has no Flyway history (or is unreadable). */
  static int appliedVersion(Config.Database db) {
    Properties props = new Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    try (Connection c = DriverManager.getConnection(jdbcUrl(db), props);
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT coalesce(max(version::int), 0) FROM "
             + quoted(db.schema()) + ".flyway_schema_history WHERE success AND version ~ '^[0-9]+$'")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      return 0; // no history table yet, or anything else: Flyway decides, and reports real errors itself
    }
  }

  private static String jdbcUrl(Config.Database db) {
    return db.jdbcUrl() + "&connectTimeout=5&ApplicationName=callstream-migrate";
  }

  private static String quoted(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
