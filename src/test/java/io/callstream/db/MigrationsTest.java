package io.callstream.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  static String schema;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.newSchemaName("migrations");
  }

  @AfterAll
  static void tearDown() {
    TestDatabase.dropSchema(schema);
  }

  @Test
  void appliesOnAnEmptySchemaAndASecondRunIsANoOp() {
    var first = Migrations.migrate(TestDatabase.database(schema));
    assertEquals(migrationFiles(), first.migrationsExecuted);
    var second = Migrations.migrate(TestDatabase.database(schema));
    assertEquals(0, second.migrationsExecuted);
    for (String table :
        new String[] {"calls", "transcriptions", "drivers", "users", "webhook_events"}) {
      assertEquals(0L, TestDatabase.queryValue(schema, "SELECT count(*) FROM " + table), table);
    }
  }

  @Test
  void startUpRunsFlywayOnlyWhenTheSchemaIsBehind() {
    String fresh = TestDatabase.newSchemaName("migrations_start");
    try {
      assertEquals(0, Migrations.appliedVersion(TestDatabase.database(fresh)), "no history yet");
      assertTrue(
          Migrations.migrateIfBehind(TestDatabase.database(fresh)), "an empty schema is migrated");
      assertEquals(
          Migrations.NEWEST_VERSION, Migrations.appliedVersion(TestDatabase.database(fresh)));
      assertFalse(
          Migrations.migrateIfBehind(TestDatabase.database(fresh)),
          "an up-to-date schema skips Flyway");
      // one version behind (as after an upgrade that bundles a new script): Flyway runs again
      TestDatabase.queryValue(
          fresh,
          "UPDATE flyway_schema_history SET success = false WHERE version = '"
              + Migrations.NEWEST_VERSION
              + "' RETURNING 1");
      assertEquals(
          Migrations.NEWEST_VERSION - 1, Migrations.appliedVersion(TestDatabase.database(fresh)));
    } finally {
      TestDatabase.dropSchema(fresh);
    }
  }

  @Test
  void newestVersionNamesTheNewestScript() {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("migrations"))) {
      int newest =
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.matches("V\\d+__.*\\.sql"))
              .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
              .max()
              .orElse(0);
      assertEquals(
          newest,
          Migrations.NEWEST_VERSION,
          "raise Migrations.NEWEST_VERSION with a new migration");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Every script in the top-level migrations/ folder (tests run from the project directory). */
  static int migrationFiles() {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("migrations"))) {
      return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void uniquenessRulesHold() {
    Migrations.migrate(TestDatabase.database(schema));
    TestDatabase.queryValue(schema, "INSERT INTO calls (call_sid) VALUES ('EL_u_1') RETURNING id");
    // two calls without a conversation id are fine (NULLs do not collide), a repeated call_sid is
    // not
    TestDatabase.queryValue(schema, "INSERT INTO calls (call_sid) VALUES ('EL_u_2') RETURNING id");
    assertThrows(
        IllegalStateException.class,
        () ->
            TestDatabase.queryValue(
                schema, "INSERT INTO calls (call_sid) VALUES ('EL_u_1') RETURNING id"));
    assertThrows(
        IllegalStateException.class,
        () ->
            TestDatabase.queryValue(
                schema,
                "INSERT INTO calls (call_sid, status) VALUES ('EL_u_3', 'bogus') RETURNING id"));
  }
}
