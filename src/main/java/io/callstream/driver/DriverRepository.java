package io.callstream.driver;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes of {@code drivers}; all its SQL is here. */
public final class DriverRepository {
  private static final String COLUMNS = "driver_id, name, phone_number, created_at, updated_at";
  private static final String UPSERT =
      "INSERT INTO drivers (driver_id, name, phone_number) VALUES ($1, $2, $3) "
          + "ON CONFLICT (driver_id) DO UPDATE SET name = EXCLUDED.name, phone_number = EXCLUDED.phone_number, "
          + "updated_at = now() RETURNING "
          + COLUMNS
          + ", (xmax = 0) AS created";
  private static final String LIST = "SELECT " + COLUMNS + " FROM drivers ORDER BY driver_id";
  private static final String FIND = "SELECT " + COLUMNS + " FROM drivers WHERE driver_id = $1";
  private static final String FIND_BY_PHONE =
      "SELECT " + COLUMNS + " FROM drivers WHERE phone_number = $1 ORDER BY driver_id LIMIT 1";
  private static final String INSERT_ABSENT =
      "INSERT INTO drivers (driver_id, name, phone_number) "
          + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (driver_id) DO NOTHING";

  /** What an upsert did. */
  public record Saved(Driver driver, boolean created) {}

  public Future<Saved> upsert(SqlClient db, String driverId, String name, String phoneNumber) {
    return db.preparedQuery(UPSERT)
        .execute(Tuple.of(driverId, name, phoneNumber))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new Saved(fromRow(r), r.getBoolean("created"));
            });
  }

  public Future<List<Driver>> list(SqlClient db) {
    return db.query(LIST)
        .execute()
        .map(
            rows -> {
              List<Driver> list = new ArrayList<>(rows.size());
              rows.forEach(r -> list.add(fromRow(r)));
              return list;
            });
  }

  public Future<Optional<Driver>> find(SqlClient db, String driverId) {
    return db.preparedQuery(FIND)
        .execute(Tuple.of(driverId))
        .map(
            rows -> {
              var it = rows.iterator();
              return it.hasNext() ? Optional.of(fromRow(it.next())) : Optional.empty();
            });
  }

  /** The driver whose number this is (the first by id if several share it). */
  public Future<Optional<Driver>> findByPhoneNumber(SqlClient db, String phoneNumber) {
    return db.preparedQuery(FIND_BY_PHONE)
        .execute(Tuple.of(phoneNumber))
        .map(
            rows -> {
              var it = rows.iterator();
              return it.hasNext() ? Optional.of(fromRow(it.next())) : Optional.empty();
            });
  }

  /**
   * Inserts the drivers whose id is not taken yet, leaving existing ones as they are; how many were
   * inserted.
   */
  public Future<Integer> insertAbsent(SqlClient db, List<Driver> drivers) {
    return db.preparedQuery(INSERT_ABSENT)
        .execute(
            Tuple.of(
                drivers.stream().map(Driver::driverId).toArray(String[]::new),
                drivers.stream().map(Driver::name).toArray(String[]::new),
                drivers.stream().map(Driver::phoneNumber).toArray(String[]::new)))
        .map(rows -> rows.rowCount());
  }

  private static Driver fromRow(Row r) {
    OffsetDateTime created = r.getOffsetDateTime("created_at");
    OffsetDateTime updated = r.getOffsetDateTime("updated_at");
    return new Driver(
        r.getString("driver_id"),
        r.getString("name"),
        r.getString("phone_number"),
        created == null ? null : created.toInstant(),
        updated == null ? null : updated.toInstant());
  }
}
