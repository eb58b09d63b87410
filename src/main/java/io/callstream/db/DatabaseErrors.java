package io.callstream.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Classifies PostgreSQL failures: "unavailable" (retry later, 503) versus everything else. */
public final class DatabaseErrors {
  private DatabaseErrors() {}

  public static final String UNIQUE_VIOLATION = "23505";

  public static boolean unavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof ClosedConnectionException
          || c instanceof TimeoutException || c instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
      if (c instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exception; 57P: operator intervention (shutdown); 53: insufficient resources
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
          return true;
        }
      }
      String msg = c.getMessage();
      if (msg != null && (msg.contains("Connection refused") || msg.contains("Timeout")
          || msg.contains("timed out") || msg.contains("Connection reset") || msg.contains("Pool closed")
          || msg.contains("connection is closed") || msg.contains("Closed"))) {
        return true;
      }
    }
    return false;
  }

  public static boolean uniqueViolation(Throwable t) {
    return t instanceof io.vertx.sqlclient.DatabaseException db && UNIQUE_VIOLATION.equals(db.getSqlState());
  }
}
