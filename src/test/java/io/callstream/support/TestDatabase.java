package io.callstream.support;

import io.callstream.config.Config;
import io.callstream.db.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The suite's one real PostgreSQL (bin/test starts it), with a fresh, migrated schema per test
 * class. CALLSTREAM_TEST_DATABASE_URL overrides the default local database.
 */
public final class TestDatabase {
  public static final String URL =
      System.getenv()
          .getOrDefault(
              "CALLSTREAM_TEST_DATABASE_URL",
              "postgresql://callstream:callstream@127.0.0.1:5432/callstream");

  private TestDatabase() {}

  /** A new empty schema name (not created). */
  public static String newSchemaName(String prefix) {
    return ("t_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 8))
        .toLowerCase(Locale.ROOT);
  }

  public static Config.Database database(String schema) {
    return Config.database(URL, schema, 8);
  }

  /** Creates and migrates a fresh schema; returns its name. */
  public static String freshSchema(String prefix) {
    String schema = newSchemaName(prefix);
    Migrations.migrate(database(schema));
    return schema;
  }

  public static void dropSchema(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  public static void execute(String sql) {
    Config.Database db = database("public");
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a query in the given schema and returns the first column of the first row, or null. */
  public static Object queryValue(String schema, String sql) {
    Config.Database db = database(schema);
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
      try (var rs = s.executeQuery(sql)) {
        return rs.next() ? rs.getObject(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
