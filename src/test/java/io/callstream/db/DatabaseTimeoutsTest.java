package io.callstream.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.config.Config;
import io.callstream.support.Await;
import io.callstream.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every connection the node opens (the shared pool, the live-turn writer's pool, the reconciler's
 * lock connection) starts with statement_timeout, lock_timeout and
 * idle_in_transaction_session_timeout, and a statement PostgreSQL cannot finish in time fails as
 * "unavailable" (503, retry) instead of holding its caller.
 */
class DatabaseTimeoutsTest {
  static Vertx vertx;
  static final Config.Database DB = TestDatabase.database("public").withTimeouts(700, 300, 20_000);

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void everyPoolAndConnectionStartsWithTheTimeouts() {
    Pool shared = Database.createPool(vertx, DB);
    Pool writer = Database.createWriterPool(vertx, DB, 1);
    PgConnection lock =
        Await.result(
            PgConnection.connect(vertx, Database.connectOptions(DB, "callstream-reconciler")));
    try {
      for (SqlClient client : new SqlClient[] {shared, writer, lock}) {
        assertEquals("700ms", show(client, "statement_timeout"));
        assertEquals("300ms", show(client, "lock_timeout"));
        assertEquals("20s", show(client, "idle_in_transaction_session_timeout"));
      }
      assertEquals(
          "force_generic_plan",
          show(writer, "plan_cache_mode"),
          "the writer keeps its own settings");
    } finally {
      Await.result(lock.close());
      Await.result(writer.close());
      Await.result(shared.close());
    }
  }

  @Test
  void aSlowStatementFailsWithinTheStatementTimeoutAsUnavailable() {
    Pool pool = Database.createPool(vertx, DB);
    try {
      long start = System.nanoTime();
      Throwable e = Await.failure(pool.query("SELECT pg_sleep(30)").execute());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals("57014", DatabaseErrors.sqlState(e), String.valueOf(e));
      assertTrue(DatabaseErrors.unavailable(e), "a timed-out statement is a retryable 503");
      assertTrue(millis < 10_000, "failed after " + millis + " ms");
    } finally {
      Await.result(pool.close());
    }
  }

  @Test
  void migrationsConnectWithBoundsToo() {
    String url = Migrations.jdbcUrl(DB, 17, 0);
    assertTrue(
        url.contains("connectTimeout=5")
            && url.contains("socketTimeout=17")
            && url.contains("loginTimeout="),
        url);
    assertTrue(url.contains("options=-c%20lock_timeout%3D300%20-c%20statement_timeout%3D0"), url);
    assertTrue(
        Migrations.appliedVersion(TestDatabase.database("public")) >= 0,
        "the bounded URL still connects");
  }

  private static String show(SqlClient client, String setting) {
    return Await.result(client.query("SHOW " + setting).execute()).iterator().next().getString(0);
  }
}
