package io.callstream.call;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Reads and writes of {@code calls}; all its SQL is here. Takes a pool or a transaction's connection. */
public final class CallRepository {
  private static final String FIND_BY_IDENTIFIER =
      "SELECT " + Call.COLUMNS + " FROM calls WHERE call_sid = $1 OR conversation_id = $1 LIMIT 1";
  private static final String FIND_BY_ID = "SELECT " + Call.COLUMNS + " FROM calls WHERE id = $1";
  private static final String INSERT_INITIATED = "INSERT INTO calls (call_sid, driver_id, status, call_start_time) "
      + "VALUES ($1, $2, 'initiated', now()) RETURNING " + Call.COLUMNS;

  /** A call by call identifier: its call_sid or its conversation_id. */
  public Future<Optional<Call>> findByIdentifier(SqlClient db, String identifier) {
    return db.preparedQuery(FIND_BY_IDENTIFIER).execute(Tuple.of(identifier)).map(CallRepository::first);
  }

  public Future<Optional<Call>> findById(SqlClient db, long id) {
    return db.preparedQuery(FIND_BY_ID).execute(Tuple.of(id)).map(CallRepository::first);
  }

  /** Writes a new call in status initiated; fails with SQLSTATE 23505 when the call_sid exists. */
  public Future<Call> insertInitiated(SqlClient db, String callSid, String driverId) {
    return db.preparedQuery(INSERT_INITIATED).execute(Tuple.of(callSid, driverId))
        .map(rows -> Call.fromRow(rows.iterator().next()));
  }

  static Optional<Call> first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(Call.fromRow(it.next())) : Optional.empty();
  }
}
