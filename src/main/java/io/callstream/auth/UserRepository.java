package io.callstream.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes of {@code users}; all its SQL is here. Lookups are reactive (the API); the
 * upsert is JDBC, for the blocking {@code user add} command.
 */
public final class UserRepository {
  /**
   * A disabled user is not found: the login answers as for an unknown user (same 401, same work).
   */
  private static final String FIND =
      "SELECT username, password_hash, role, token_generation FROM users WHERE username = $1 "
          + "AND disabled_at IS NULL";

  private static final String DISABLED =
      "SELECT 1 FROM users WHERE username = $1 AND disabled_at IS NOT NULL";
  private static final String STATES =
      "SELECT username, token_generation, disabled_at IS NOT NULL AS disabled FROM users "
          + "WHERE username = ANY($1)";
  private static final String SIGN_OUT =
      "UPDATE users SET token_generation = token_generation + 1, updated_at = now() "
          + "WHERE username = $1 RETURNING token_generation";
  private static final String GENERATION =
      "SELECT role, token_generation FROM users WHERE username = $1 AND disabled_at IS NULL";
  private static final String LIST =
      "SELECT username, role, disabled_at, created_at FROM users ORDER BY username";
  private static final String SET_DISABLED =
      "UPDATE users SET disabled_at = CASE WHEN ? THEN coalesce(disabled_at, "
          + "now()) END, updated_at = now() WHERE username = ?";
  private static final String SET_PASSWORD =
      "UPDATE users SET password_hash = ?, updated_at = now() WHERE username = ?";
  private static final String UPSERT =
      "INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?) "
          + "ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, "
          + "updated_at = now() RETURNING (xmax = 0) AS created";
  private static final String EXISTING = "SELECT username FROM users WHERE username = ANY($1)";
  private static final String INSERT_ABSENT =
      "INSERT INTO users (username, password_hash, role) "
          + "VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING username";

  public Future<Optional<User>> find(SqlClient db, String username) {
    return db.preparedQuery(FIND)
        .execute(Tuple.of(username))
        .map(
            rows -> {
              var it = rows.iterator();
              if (!it.hasNext()) {
                return Optional.empty();
              }
              var r = it.next();
              return Optional.of(
                  new User(
                      r.getString("username"),
                      r.getString("password_hash"),
                      r.getString("role"),
                      r.getInteger("token_generation")));
            });
  }

  /**
   * Whether the user was disabled ({@code callstream user disable}); a name without a row is not
   * disabled (tokens are also issued to services that have no row).
   */
  public Future<Boolean> disabled(SqlClient db, String username) {
    return db.preparedQuery(DISABLED).execute(Tuple.of(username)).map(rows -> rows.size() > 0);
  }

  /** What the token checks need of a user: the token generation in force, and disabled or not. */
  public record SessionState(int generation, boolean disabled) {
    /** A name without a row (a service's token): nothing revoked, not disabled. */
    public static final SessionState NONE = new SessionState(0, false);
  }

  /** The state of each of these users that has a row. */
  public Future<Map<String, SessionState>> states(SqlClient db, Collection<String> usernames) {
    return db.preparedQuery(STATES)
        .execute(Tuple.of(usernames.toArray(new String[0])))
        .map(
            rows -> {
              Map<String, SessionState> states = new HashMap<>();
              rows.forEach(
                  r ->
                      states.put(
                          r.getString("username"),
                          new SessionState(
                              r.getInteger("token_generation"), r.getBoolean("disabled"))));
              return states;
            });
  }

  /**
   * Revokes every token issued to the user so far (a sign-out); the new generation, or empty when
   * there is no such user.
   */
  public Future<Optional<Integer>> signOut(SqlClient db, String username) {
    return db.preparedQuery(SIGN_OUT)
        .execute(Tuple.of(username))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getInteger(0)));
  }

  /** The role and token generation of an enabled user, for a refresh; empty otherwise. */
  public Future<Optional<User.Session>> session(SqlClient db, String username) {
    return db.preparedQuery(GENERATION)
        .execute(Tuple.of(username))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              var r = rows.iterator().next();
              return Optional.of(
                  new User.Session(r.getString("role"), r.getInteger("token_generation")));
            });
  }

  /** One line of {@code user list}. */
  public record Listed(
      String username,
      String role,
      java.time.OffsetDateTime disabledAt,
      java.time.OffsetDateTime createdAt) {}

  /** Every user, by name (blocking JDBC). */
  public static java.util.List<Listed> list(Connection c) throws SQLException {
    java.util.List<Listed> users = new java.util.ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(LIST);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        users.add(
            new Listed(
                rs.getString(1),
                rs.getString(2),
                rs.getObject(3, java.time.OffsetDateTime.class),
                rs.getObject(4, java.time.OffsetDateTime.class)));
      }
    }
    return users;
  }

  /**
   * Disables (keeping the first disabled_at) or enables a user; false when there is no such user.
   */
  public static boolean setDisabled(Connection c, String username, boolean disabled)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SET_DISABLED)) {
      s.setBoolean(1, disabled);
      s.setString(2, username);
      return s.executeUpdate() == 1;
    }
  }

  /** Replaces the password hash; false when there is no such user. */
  public static boolean setPassword(Connection c, String username, String passwordHash)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(SET_PASSWORD)) {
      s.setString(1, passwordHash);
      s.setString(2, username);
      return s.executeUpdate() == 1;
    }
  }

  /** Which of these usernames exist. */
  public Future<Set<String>> existing(SqlClient db, List<String> usernames) {
    return db.preparedQuery(EXISTING)
        .execute(Tuple.of(usernames.toArray(new String[0])))
        .map(
            rows -> {
              Set<String> names = new HashSet<>();
              rows.forEach(r -> names.add(r.getString("username")));
              return names;
            });
  }

  /**
   * Creates the user unless the username is taken (then leaves that user as it is); true when it
   * was created.
   */
  public Future<Boolean> insertIfAbsent(SqlClient db, User user) {
    return db.preparedQuery(INSERT_ABSENT)
        .execute(Tuple.of(user.username(), user.passwordHash(), user.role()))
        .map(rows -> rows.size() == 1);
  }

  /**
   * Creates the user or updates its hash and role (blocking JDBC). Returns true when it was
   * created.
   */
  public static boolean upsert(Connection c, User user) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(UPSERT)) {
      s.setString(1, user.username());
      s.setString(2, user.passwordHash());
      s.setString(3, user.role());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
