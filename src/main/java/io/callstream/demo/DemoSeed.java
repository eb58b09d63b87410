package io.callstream.demo;

import io.callstream.auth.User;
import io.callstream.auth.UserRepository;
import io.callstream.driver.Driver;
import io.callstream.driver.DriverRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Demo data, created only where absent (safe to run on every start, and by several nodes at once):
 * the users {@code admin} and {@code dispatcher} with random passwords, and five drivers with
 * fictitious numbers ({@code +1555010xxxx}, a range reserved for fiction). A password can be
 * reported only when this run created the user; the database keeps only its hash. Written through
 * the owners of the tables ({@link UserRepository}, {@link DriverRepository}).
 */
public final class DemoSeed {
  /** A demo user and, when this run created it, its password. */
  public record DemoUser(String username, String role, String password, boolean created) {}

  public record DemoDriver(String driverId, String name, String phoneNumber) {}

  /** What seeding did. */
  public record Seeded(List<DemoUser> users, int driversCreated) {}

  public static final List<DemoUser> USERS =
      List.of(
          new DemoUser("admin", "admin", null, false),
          new DemoUser("dispatcher", "dispatcher", null, false));
  public static final List<DemoDriver> DRIVERS =
      List.of(
          new DemoDriver("D-101", "Marco Rossi", "+15550101001"),
          new DemoDriver("D-102", "Aisha Khan", "+15550101002"),
          new DemoDriver("D-103", "Tom Becker", "+15550101003"),
          new DemoDriver("D-104", "Lena Novak", "+15550101004"),
          new DemoDriver("D-105", "Samuel Okafor", "+15550101005"));

  static final int PASSWORD_LENGTH = 14;

  /** No look-alike characters (0/O, 1/l/I): the password is read off a terminal. */
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final UserRepository userRepository = new UserRepository();
  private final DriverRepository driverRepository = new DriverRepository();

  private final Vertx vertx;
  private final Pool pool;
  private final UnaryOperator<String> passwordHash;

  /**
   * {@code passwordHash}: the users' password hash (the assembly hands auth's in); slow, run off
   * the event loop.
   */
  public DemoSeed(Vertx vertx, Pool pool, UnaryOperator<String> passwordHash) {
    this.vertx = vertx;
    this.pool = pool;
    this.passwordHash = passwordHash;
  }

  public Future<Seeded> seed() {
    return users().compose(users -> drivers().map(created -> new Seeded(users, created)));
  }

  private Future<List<DemoUser>> users() {
    return userRepository
        .existing(pool, USERS.stream().map(DemoUser::username).toList())
        .compose(
            existing -> {
              List<Future<DemoUser>> each = new ArrayList<>();
              for (DemoUser user : USERS) {
                each.add(
                    existing.contains(user.username())
                        ? Future.succeededFuture(user)
                        : create(user));
              }
              return Future.all(each).map(all -> each.stream().map(Future::result).toList());
            });
  }

  /**
   * Hashing is deliberately slow: off the event loop. Another node may create the user first; then
   * it wins.
   */
  private Future<DemoUser> create(DemoUser user) {
    String password = password();
    return vertx
        .executeBlocking(() -> passwordHash.apply(password), false)
        .compose(
            hash ->
                userRepository.insertIfAbsent(pool, new User(user.username(), hash, user.role())))
        .map(
            created -> created ? new DemoUser(user.username(), user.role(), password, true) : user);
  }

  private Future<Integer> drivers() {
    return driverRepository.insertAbsent(
        pool,
        DRIVERS.stream()
            .map(d -> new Driver(d.driverId(), d.name(), d.phoneNumber(), null, null))
            .toList());
  }

  static String password() {
    StringBuilder sb = new StringBuilder(PASSWORD_LENGTH);
    for (int i = 0; i < PASSWORD_LENGTH; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
