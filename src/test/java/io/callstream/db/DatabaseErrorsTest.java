package io.callstream.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.config.Config;
import io.callstream.support.Await;
import io.callstream.support.SchemaPool;
import io.callstream.support.TestDatabase;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What the soak found (issue 19): during a PostgreSQL stall, Twilio's status callbacks were
 * answered 500 because a query that waited too long for a pooled connection was not classified as
 * "database unavailable". Against a real pool whose only connection is held.
 */
class DatabaseErrorsTest {
  private static final SchemaPool DB = SchemaPool.open("dberrors");

  @AfterAll
  static void close() {
    DB.close();
  }

  @Test
  void aQueryThatFoundNoFreeConnectionInTimeIsUnavailable() {
    Config.Database one = TestDatabase.database(DB.schema());
    one =
        new Config.Database(
            one.host(),
            one.port(),
            one.database(),
            one.user(),
            one.password(),
            one.schema(),
            1,
            one.tls(),
            one.statementTimeoutMs(),
            one.lockTimeoutMs(),
            one.idleInTransactionTimeoutMs());
    Pool pool = Database.createPool(DB.vertx(), one);
    try {
      SqlConnection held = Await.result(pool.getConnection());
      Throwable failure = Await.failure(pool.query("SELECT 1").execute());
      assertTrue(DatabaseErrors.unavailable(failure), "classified as unavailable: " + failure);
      // a transaction asks the pool for a connection instead, and that wait fails with another
      // message (a post-call webhook was answered 500 and its inbox row marked failed in a soak)
      Throwable inTransaction =
          Await.failure(pool.withTransaction(c -> c.query("SELECT 1").execute()));
      assertTrue(
          DatabaseErrors.unavailable(inTransaction), "classified as unavailable: " + inTransaction);
      Await.result(held.close());
      assertTrue(
          Await.result(pool.query("SELECT 1").execute()).size() == 1, "the pool works again");
    } finally {
      Await.result(pool.close());
    }
  }

  /**
   * A statement given to a connection that closed meanwhile (PostgreSQL restarted under it) is
   * never sent: the client fails it with "Connection is not active now". Found by the soak: a
   * dashboard's catch-up read failed that way and its socket was closed with 1011 instead of the
   * read being tried again.
   */
  @Test
  void aStatementOnAClosedConnectionIsUnavailable() {
    SqlConnection c =
        Await.result(
            PgConnection.connect(
                DB.vertx(),
                Database.connectOptions(TestDatabase.database(DB.schema()), "dberrors-test")));
    Await.result(c.close());
    Throwable failure = Await.failure(c.query("SELECT 1").execute());
    assertTrue(DatabaseErrors.unavailable(failure), "classified as unavailable: " + failure);
  }

  @Test
  void aSyntaxErrorIsNotUnavailable() {
    Throwable failure = Await.failure(DB.pool().query("SELEC 1").execute());
    assertFalse(DatabaseErrors.unavailable(failure), failure.toString());
  }
}
