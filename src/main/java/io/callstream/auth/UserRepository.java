package io.callstream.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes of {@code users}; all its SQL is here. Lookups are reactive (the API); the upsert is JDBC,
 * for the blocking {@code user add} command.
 */
public final class UserRepository {
  private static final String FIND = "SELECT username, password_hash, role FROM users WHERE username = $1";
  private static final String UPSERT = "INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?) "
      + "ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, "
      + "updated_at = now() RETURNING (xmax = 0) AS created";
  private static final String EXISTING = "SELECT username FROM users WHERE username = ANY($1)";
  private static final String INSERT_ABSENT = "INSERT INTO users (username, password_hash, role) "
      + "VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING RETURNING username";

  public Future<Optional<User>> find(SqlClient db, String username) {
    return db.preparedQuery(FIND).execute(Tuple.of(username)).map(rows -> {
      var it = rows.iterator();
      if (!it.hasNext()) {
        return Optional.empty();
      }
      var r = it.next();
      return Optional.of(new User(r.getString("username"), r.getString("password_hash"), r.getString("role")));
    });
  }

  /** Which of these usernames exist. */
  public Future<Set<String>> existing(SqlClient db, List<String> usernames) {
    return db.preparedQuery(EXISTING).execute(Tuple.of(usernames.toArray(new String[0]))).map(rows -> {
      Set<String> names = new HashSet<>();
      rows.forEach(r -> names.add(r.getString("username")));
      return names;
    });
  }

  /** Creates the user unless the username is taken (then leaves that user as it is); true when it was created. */
  public Future<Boolean> insertIfAbsent(SqlClient db, User user) {
    return db.preparedQuery(INSERT_ABSENT).execute(Tuple.of(user.username(), user.passwordHash(), user.role()))
        .map(rows -> rows.size() == 1);
  }

  /** Creates the user or updates its hash and role (blocking JDBC). Returns true when it was created. */
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
