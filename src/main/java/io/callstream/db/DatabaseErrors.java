package io.callstream.db;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Classifies PostgreSQL failures by exception type and SQLSTATE only: "unavailable" (retry later,
 * 503), a unique violation (an idempotent redelivery), a data error caused by the input (SQLSTATE
 * class 22), or anything else.
 */
public final class DatabaseErrors {
  private DatabaseErrors() {}

  public static final String UNIQUE_VIOLATION = "23505";
  public static final String DEADLOCK = "40P01";

  /**
   * A bound of ours fired: 57014 (query_canceled: statement_timeout), 55P03 (lock_not_available:
   * lock_timeout), 25P03 (idle_in_transaction_session_timeout). The work was rolled back; trying
   * again later may succeed.
   */
  private static final Set<String> TIMED_OUT = Set.of("57014", "55P03", "25P03");

  /**
   * The message of the one exception Vert.x's SQL pool fails a query with when no connection was
   * free within the pool's connection timeout ({@code
   * SqlConnectionPool.POOL_QUERY_TIMEOUT_EXCEPTION}, a plain VertxException).
   */
  private static final String POOL_WAIT_TIMEOUT = "Timeout waiting for connection";

  /**
   * The same wait, when a connection was asked for itself ({@code Pool.getConnection}, {@code
   * withTransaction}): SqlConnectionPool fails it with a plain "Timeout" (a NoStackTraceThrowable).
   */
  private static final String POOL_CONNECTION_WAIT_TIMEOUT = "Timeout";

  /**
   * A statement given to a connection that is closing or closed (the server went away under it):
   * the client fails it without sending it ({@code SocketConnectionBase}), so trying it again on
   * another connection is safe.
   */
  private static final String NOT_ACTIVE = "Connection is not active now";

  /**
   * The database could not be reached or refused to work for now: connection refused/reset
   * (IOException), a closed connection, a connect timeout (TimeoutException; Netty's
   * ConnectTimeoutException is an IOException), a wait for a pooled connection that timed out
   * ({@link #POOL_WAIT_TIMEOUT}, {@link #POOL_CONNECTION_WAIT_TIMEOUT}), a statement refused by a
   * connection that closed meanwhile ({@link #NOT_ACTIVE}), or SQLSTATE 08 (connection exception),
   * 57P (operator intervention: shutdown), 53 (insufficient resources), or one of the timeouts set
   * on every connection ({@link #TIMED_OUT}).
   */
  public static boolean unavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException
          || c instanceof ClosedConnectionException
          || c instanceof TimeoutException
          || c instanceof VertxException && POOL_WAIT_TIMEOUT.equals(c.getMessage())
          || c.getClass().getSimpleName().equals("NoStackTraceThrowable")
              && POOL_CONNECTION_WAIT_TIMEOUT.equals(c.getMessage())
          || c instanceof VertxException
              && c.getMessage() != null
              && c.getMessage().startsWith(NOT_ACTIVE)) {
        return true;
      }
      String state = sqlState(c);
      if (state != null
          && (state.startsWith("08")
              || state.startsWith("57P")
              || state.startsWith("53")
              || TIMED_OUT.contains(state))) {
        return true;
      }
    }
    return false;
  }

  public static boolean uniqueViolation(Throwable t) {
    return UNIQUE_VIOLATION.equals(sqlState(t));
  }

  /** PostgreSQL chose this transaction as a deadlock's victim: running it again is safe. */
  public static boolean deadlock(Throwable t) {
    return DEADLOCK.equals(sqlState(t));
  }

  /**
   * SQLSTATE class 22 (data exception, e.g. a NUL character in text): the input cannot be stored,
   * ever.
   */
  public static boolean badData(Throwable t) {
    String state = sqlState(t);
    return state != null && state.startsWith("22");
  }

  /** The SQLSTATE of a database failure, else null. */
  public static String sqlState(Throwable t) {
    return t instanceof DatabaseException db ? db.getSqlState() : null;
  }
}
