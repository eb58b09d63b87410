package io.callstream.app;

import io.callstream.auth.Passwords;
import io.callstream.auth.User;
import io.callstream.auth.UserRepository;
import io.callstream.config.Config;
import io.callstream.config.Settings;
import io.callstream.db.Migrations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * {@code user add NAME --role dispatcher|admin}: creates the user, or updates the password and role of an existing
 * one. The password comes from CALLSTREAM_PASSWORD, else the first line of standard input. Needs only DATABASE_URL
 * (and DB_SCHEMA); runs the migrations first. A blocking command: plain JDBC.
 */
final class UserCommand {
  static final int MIN_PASSWORD = 8;
  private static final String USAGE = "usage: callstream user add NAME --role dispatcher|admin "
      + "(password from CALLSTREAM_PASSWORD or standard input)";

  private UserCommand() {}

  static int run(List<String> args, Map<String, String> env) {
    return run(args, env, System.in);
  }

  static int run(List<String> args, Map<String, String> env, InputStream stdin) {
    if (args.size() != 4 || !"add".equals(args.get(0)) || !"--role".equals(args.get(2))) {
      System.err.println(USAGE);
      return Main.EXIT_CONFIG;
    }
    String username = args.get(1);
    String role = args.get(3);
    if (!User.USERNAME.matcher(username).matches()) {
      System.err.println("callstream: NAME must be 1-100 characters of letters, digits, '.', '_', '@', '-'");
      return Main.EXIT_CONFIG;
    }
    if (!User.validRole(role)) {
      System.err.println("callstream: --role must be dispatcher or admin");
      return Main.EXIT_CONFIG;
    }
    String password = password(env, stdin);
    if (password == null || password.length() < MIN_PASSWORD || password.length() > Passwords.MAX_LENGTH) {
      System.err.println("callstream: the password (CALLSTREAM_PASSWORD or standard input) must be "
          + MIN_PASSWORD + " to " + Passwords.MAX_LENGTH + " characters");
      return Main.EXIT_CONFIG;
    }
    Settings settings = Settings.load(env);
    Config.Database db = Config.database(settings.required("DATABASE_URL"), settings.string("DB_SCHEMA", "public"), 1);
    try {
      Migrations.migrate(db);
      boolean created;
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
        try (Statement s = c.createStatement()) {
          s.execute("SET search_path TO " + db.schema());
        }
        created = UserRepository.upsert(c, new User(username, Passwords.hash(password), role));
      }
      System.out.println("user " + username + (created ? " created" : " updated") + " (role " + role + ")");
      return 0;
    } catch (SQLException | RuntimeException e) {
      System.err.println("callstream: user add failed: " + Main.rootMessage(e));
      return Main.EXIT_FAILURE;
    }
  }

  private static String password(Map<String, String> env, InputStream stdin) {
    String fromEnv = env.get("CALLSTREAM_PASSWORD");
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    try {
      String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
      return line == null ? null : line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (IOException e) {
      return null;
    }
  }
}
