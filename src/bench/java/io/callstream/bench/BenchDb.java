package io.callstream.bench;

import io.callstream.config.Config;
import io.callstream.db.Migrations;
import io.callstream.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's own schema ({@code bench_<epoch seconds>_<n>}) in the local callstream database:
 * migrated by Flyway, seeded with open calls, dropped at the end. Schemas of aborted runs older
 * than an hour are dropped too.
 */
final class BenchDb {
  private static final long STALE_SECONDS = 3_600;

  final String schema;
  final Config.Database database;

  private BenchDb(String schema) {
    this.schema = schema;
    this.database = Config.database(TestDatabase.URL, schema, 8);
  }

  static BenchDb create() {
    dropStale();
    long now = System.currentTimeMillis() / 1000;
    BenchDb db = new BenchDb("bench_" + now + "_" + ProcessHandle.current().pid());
    Migrations.migrate(db.database);
    return db;
  }

  /** Inserts open (in_progress) calls with the given call_sids. */
  void seedCalls(List<String> callSids) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO calls (call_sid, driver_id, status, call_start_time) "
                    + "VALUES (?, 'bench', 'in_progress', now())")) {
      for (String sid : callSids) {
        s.setString(1, sid);
        s.addBatch();
      }
      s.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stores {@code count} turns of one call (each with words of its own, as real transcripts have)
   * and merges the search index's pending list: a table and index the size of a busy day's, in a
   * few seconds.
   */
  void seedTurns(String callSid, int count) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text,"
              + " source, dedupe_key) SELECT c.id, g, 'agent', 'seed ' || g || ' ' || md5(g::text)"
              + " || ' "
              + Turns.MESSAGE.replace("'", "''")
              + "', 'live', 'seed-' || g FROM calls c, generate_series(1, "
              + count
              + ") g WHERE c.call_sid = '"
              + callSid
              + "'");
      s.execute(
          "UPDATE calls SET last_sequence_number = "
              + count
              + " WHERE call_sid = '"
              + callSid
              + "'");
      s.execute("SELECT gin_clean_pending_list('transcriptions_search_idx'::regclass)");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  long count(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void drop() {
    execute(database, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  static List<String> sids(String prefix, int count) {
    List<String> sids = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      sids.add(prefix + i);
    }
    return sids;
  }

  private Connection connect() throws SQLException {
    Connection c =
        DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
    }
    return c;
  }

  private static void dropStale() {
    Config.Database db = Config.database(TestDatabase.URL, "public", 1);
    List<String> stale = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT nspname FROM pg_namespace WHERE nspname ~ '^bench_[0-9]+_[0-9]+$'")) {
      long now = System.currentTimeMillis() / 1000;
      while (rs.next()) {
        String name = rs.getString(1);
        if (now - Long.parseLong(name.split("_")[1]) > STALE_SECONDS) {
          stale.add(name);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot reach PostgreSQL at " + db + ": " + e.getMessage(), e);
    }
    stale.forEach(name -> execute(db, "DROP SCHEMA IF EXISTS " + name + " CASCADE"));
  }

  private static void execute(Config.Database db, String sql) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
