package io.callstream.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Demo data, created only where absent (safe to run on every start, and by several nodes at once): the users
 * {@code admin} and {@code dispatcher} with random passwords, and five drivers with fictitious numbers
 * ({@code +1555010xxxx}, a range reserved for fiction). A password can be reported only when this run created the
 * user; the database keeps only its hash.
 */
public final class DemoSeed {
  /** A demo user and, when this run created it, its password. */
  public record DemoUser(String username, String role, String password, boolean created) {}

  public record DemoDriver(String driverId, String name, String phoneNumber) {}

  /** What seeding did. */
  public record Seeded(List<DemoUser> users, int driversCreated) {}

  public static final List<DemoUser> USERS = List.of(
      new DemoUser("admin", "admin", null, false), new DemoUser("dispatcher", "dispatcher", null, false));
  public static final List<DemoDriver> DRIVERS = List.of(
      new DemoDriver("D-101", "Marco Rossi", "+15550101001"),
      new DemoDriver("D-102", "Aisha Khan", "+15550101002"),
      new DemoDriver("D-103", "Tom Becker", "+15550101003"),
      new DemoDriver("D-104", "Lena Novak", "+15550101004"),
      new DemoDriver("D-105", "Samuel Okafor", "+15550101005"));

  static final int PASSWORD_LENGTH = 14;
  /** No look-alike characters (0/O, 1/l/I): the password is read off a terminal. */
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String EXISTING_USERS = "SELECT username FROM users WHERE username = ANY($1)";
  private static final String INSERT_USER = "INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) "
      + "ON CONFLICT (username) DO NOTHING RETURNING username";
  private static final String INSERT_DRIVERS = "INSERT INTO drivers (driver_id, name, phone_number) "
      + "SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (driver_id) DO NOTHING";

  private final Vertx vertx;
  private final Pool pool;
  private final UnaryOperator<String> passwordHash;

  /** {@code passwordHash}: the users' password hash (the assembly hands auth's in); slow, run off the event loop. */
  public DemoSeed(Vertx vertx, Pool pool, UnaryOperator<String> passwordHash) {
    this.vertx = vertx;
    this.pool = pool;
    this.passwordHash = passwordHash;
  }

  public Future<Seeded> seed() {
    return users().compose(users -> drivers().map(created -> new Seeded(users, created)));
  }

  private Future<List<DemoUser>> users() {
    String[] names = USERS.stream().map(DemoUser::username).toArray(String[]::new);
    return pool.preparedQuery(EXISTING_USERS).execute(Tuple.of(names)).compose(rows -> {
      Set<String> existing = new HashSet<>();
      for (Row r : rows) {
        existing.add(r.getString("username"));
      }
      List<Future<DemoUser>> each = new ArrayList<>();
      for (DemoUser user : USERS) {
        each.add(existing.contains(user.username()) ? Future.succeededFuture(user) : create(user));
      }
      return Future.all(each).map(all -> each.stream().map(Future::result).toList());
    });
  }

  /** Hashing is deliberately slow: off the event loop. Another node may create the user first; then it wins. */
  private Future<DemoUser> create(DemoUser user) {
    String password = password();
    return vertx.executeBlocking(() -> passwordHash.apply(password), false)
        .compose(hash -> pool.preparedQuery(INSERT_USER).execute(Tuple.of(user.username(), hash, user.role())))
        .map(rows -> rows.size() == 1 ? new DemoUser(user.username(), user.role(), password, true) : user);
  }

  private Future<Integer> drivers() {
    return pool.preparedQuery(INSERT_DRIVERS).execute(Tuple.of(
            DRIVERS.stream().map(DemoDriver::driverId).toArray(String[]::new),
            DRIVERS.stream().map(DemoDriver::name).toArray(String[]::new),
            DRIVERS.stream().map(DemoDriver::phoneNumber).toArray(String[]::new)))
        .map(rows -> rows.rowCount());
  }

  static String password() {
    StringBuilder sb = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
