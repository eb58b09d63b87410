package io.callstream.reconcile;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Leadership of the reconciler: a PostgreSQL session-level advisory lock held on a dedicated
 * connection. It is held for as long as that session lives; when the node dies or its connection
 * drops, PostgreSQL ends the session and releases the lock, and another node's next {@link
 * #acquire} takes it. PostgreSQL is the one arbiter every node must reach to do any work at all, so
 * a network partition cannot produce two leaders that both write (a Hazelcast lock can: each side
 * of a split cluster grants it). Never blocks: {@code pg_try_advisory_lock}.
 *
 * <p>The key is (a constant, a hash of DB_SCHEMA): deployments in different schemas of one database
 * do not compete. Not thread-safe: used from the reconciler's context only.
 */
public final class LeaderLock {
  private static final Logger LOG = Logger.getLogger(LeaderLock.class.getName());

  /** The advisory lock's first key: "csrc" (callstream reconciler). */
  static final int LOCK_CLASS = 0x63737263;

  private static final String TRY_LOCK = "SELECT pg_try_advisory_lock($1, hashtext($2))";
  private static final String KEEP_ALIVE = "SELECT 1";

  /**
   * Bound of connecting and of each lock statement: a hung connection must not hang the reconciler.
   */
  private static final long TIMEOUT_SECONDS = 10;

  private final Supplier<Future<SqlConnection>> connector;
  private final String scope;
  private SqlConnection connection;
  private boolean held;

  /**
   * {@code connector} opens a new dedicated connection (not one of the pool's); {@code scope} is
   * DB_SCHEMA.
   */
  public LeaderLock(Supplier<Future<SqlConnection>> connector, String scope) {
    this.connector = connector;
    this.scope = scope;
  }

  /**
   * Whether this node leads now: the holder checks that its session is alive (a live session still
   * holds the lock), any other node tries to take the lock. A failure means "not the leader" and
   * drops the connection.
   */
  Future<Boolean> acquire() {
    Future<Boolean> attempt;
    if (connection == null) {
      attempt =
          connector
              .get()
              .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
              .compose(
                  c -> {
                    connection = c;
                    c.closeHandler(v -> lost(c));
                    // the close handler settles it; this only keeps a dropped session from printing
                    // a stack trace
                    c.exceptionHandler(
                        e -> LOG.info("reconciler: lock connection: " + e.getMessage()));
                    return tryLock(c);
                  });
    } else {
      attempt = held ? keepAlive(connection) : tryLock(connection);
    }
    return attempt.recover(
        e -> {
          if (held) {
            LOG.warning("reconciler: lost the leader lock (" + e.getMessage() + ")");
          }
          return drop().map(false);
        });
  }

  boolean held() {
    return held;
  }

  /** Closes the connection: PostgreSQL releases the lock with the session. */
  Future<Void> release() {
    return drop();
  }

  private Future<Boolean> tryLock(SqlConnection c) {
    return c.preparedQuery(TRY_LOCK)
        .execute(Tuple.of(LOCK_CLASS, scope))
        .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .map(
            rows -> {
              held = Boolean.TRUE.equals(rows.iterator().next().getBoolean(0));
              if (held) {
                LOG.info("reconciler: this node holds the leader lock and runs the reconciliation");
              }
              return held;
            });
  }

  private Future<Boolean> keepAlive(SqlConnection c) {
    return c.query(KEEP_ALIVE)
        .execute()
        .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .map(rows -> true);
  }

  /**
   * The connection closed under us (database restart, network): the session, and the lock with it,
   * are gone.
   */
  private void lost(SqlConnection c) {
    if (c == connection) {
      if (held) {
        LOG.warning("reconciler: the leader lock's connection closed; leadership is open again");
      }
      connection = null;
      held = false;
    }
  }

  private Future<Void> drop() {
    SqlConnection c = connection;
    connection = null;
    held = false;
    return c == null ? Future.succeededFuture() : c.close().recover(e -> Future.succeededFuture());
  }
}
