package io.callstream.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.config.Config;
import io.callstream.support.TestCerts;
import io.callstream.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DATABASE_URL's sslmode reaches both drivers (it used to be dropped): against the suite's
 * PostgreSQL, require connects exactly when the server speaks TLS, prefer always connects, and
 * verify-full with a CA that did not sign the server's certificate never does.
 */
class DatabaseTlsTest {
  static Vertx vertx;
  static TestCerts certs;
  static boolean serverTls;

  @BeforeAll
  static void setUp() throws SQLException {
    vertx = Vertx.vertx();
    certs = TestCerts.generate();
    Config.Database plain = TestDatabase.database("public");
    try (Connection c =
            DriverManager.getConnection(plain.jdbcUrl(), plain.user(), plain.password());
        ResultSet rs = c.createStatement().executeQuery("SHOW ssl")) {
      rs.next();
      serverTls = "on".equals(rs.getString(1));
    }
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
    certs.delete();
  }

  private static Config.Database db(String query) {
    return Config.database(TestDatabase.URL + query, "public", 1);
  }

  /** Null when the reactive pool answers, else the failure. */
  private static Throwable ping(Config.Database db) {
    Pool pool = Database.createPool(vertx, db);
    try {
      Database.ping(pool).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      pool.close();
    }
  }

  private static boolean jdbcConnects(Config.Database db) {
    try (Connection c =
        DriverManager.getConnection(db.jdbcUrl() + "&connectTimeout=5", db.user(), db.password())) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  @Test
  void requireConnectsOnlyOverTls() {
    Config.Database require = db("?sslmode=require");
    assertEquals(serverTls, ping(require) == null, "reactive pool, server ssl=" + serverTls);
    assertEquals(serverTls, jdbcConnects(require), "JDBC, server ssl=" + serverTls);
  }

  @Test
  void preferFallsBackToPlain() {
    Config.Database prefer = db("?sslmode=prefer");
    assertNull(ping(prefer));
    assertTrue(jdbcConnects(prefer));
  }

  @Test
  void verifyFullRefusesAServerNotCertifiedByTheGivenCa() {
    Config.Database full = db("?sslmode=verify-full&sslrootcert=" + certs.ca());
    assertNotNull(ping(full));
    assertFalse(jdbcConnects(full));
  }
}
