package io.callstream.app;

import io.callstream.auth.Passwords;
import io.callstream.auth.User;
import io.callstream.auth.UserRepository;
import io.callstream.config.Config;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code user list|add|disable|enable|password}: the people and scripts that may ask for tokens.
 * Needs only DATABASE_URL (and DB_SCHEMA); migrates the schema first when it is behind. Passwords
 * come from CALLSTREAM_PASSWORD, else the console without echo, else the first line of standard
 * input. Blocking: plain JDBC.
 */
@Command(name = "user", description = "Users: list | add | disable | enable | password.")
final class UserCommand {
  static final int MIN_PASSWORD = 8;

  private final Cli cli;

  UserCommand(Cli cli) {
    this.cli = cli;
  }

  /** One JDBC step on the migrated schema. */
  private interface Step<T> {
    T run(Connection c) throws SQLException;
  }

  @Command(
      name = "list",
      description = "List users: name, role, enabled or disabled since when, created.")
  int list() {
    var users = jdbc(UserRepository::list);
    cli.out.printf("%-32s %-10s %-30s %s%n", "USERNAME", "ROLE", "STATUS", "CREATED");
    for (UserRepository.Listed u : users) {
      cli.out.printf(
          "%-32s %-10s %-30s %s%n",
          u.username(),
          u.role(),
          u.disabledAt() == null ? "enabled" : "disabled since " + u.disabledAt(),
          u.createdAt());
    }
    return 0;
  }

  @Command(
      name = "add",
      description =
          "Create a user, or set the password and role of an existing one "
              + "(a disabled user stays disabled).")
  int add(
      @Parameters(paramLabel = "NAME") String username,
      @Option(names = "--role", required = true, paramLabel = "dispatcher|admin") String role) {
    checkName(username);
    if (!User.validRole(role)) {
      throw new Cli.Usage("--role must be dispatcher or admin");
    }
    String hash = Passwords.hash(password());
    boolean created = jdbc(c -> UserRepository.upsert(c, new User(username, hash, role)));
    cli.out.println(
        "user " + username + (created ? " created" : " updated") + " (role " + role + ")");
    return 0;
  }

  @Command(
      name = "disable",
      description =
          "Refuse the user's logins and WebSocket upgrades from now on (on the "
              + "REST API, tokens already issued stay valid until they expire, JWT_TTL_SECONDS).")
  int disable(@Parameters(paramLabel = "NAME") String username) {
    return setDisabled(username, true);
  }

  @Command(name = "enable", description = "Allow a disabled user to log in again.")
  int enable(@Parameters(paramLabel = "NAME") String username) {
    return setDisabled(username, false);
  }

  @Command(
      name = "password",
      description = "Set a user's password (CALLSTREAM_PASSWORD, the console or stdin).")
  int password(@Parameters(paramLabel = "NAME") String username) {
    checkName(username);
    String hash = Passwords.hash(password());
    if (!jdbc(c -> UserRepository.setPassword(c, username, hash))) {
      throw new Cli.Failure("no such user: " + username);
    }
    cli.out.println("password of " + username + " changed");
    return 0;
  }

  private int setDisabled(String username, boolean disabled) {
    checkName(username);
    if (!jdbc(c -> UserRepository.setDisabled(c, username, disabled))) {
      throw new Cli.Failure("no such user: " + username);
    }
    cli.out.println("user " + username + (disabled ? " disabled" : " enabled"));
    return 0;
  }

  private static void checkName(String username) {
    if (!User.USERNAME.matcher(username).matches()) {
      throw new Cli.Usage("NAME must be 1-100 characters of letters, digits, '.', '_', '@', '-'");
    }
  }

  private <T> T jdbc(Step<T> step) {
    Config.Database db = cli.migratedDatabase();
    try (Connection c = Cli.jdbc(db)) {
      return step.run(c);
    } catch (SQLException e) {
      throw new Cli.Failure("user: " + Main.rootMessage(e));
    }
  }

  /** CALLSTREAM_PASSWORD, else the console (no echo), else the first line of standard input. */
  private String password() {
    String password = cli.env.get("CALLSTREAM_PASSWORD");
    if (password == null || password.isEmpty()) {
      Console console = System.console();
      password = console != null && cli.stdin == System.in ? readConsole(console) : readLine();
    }
    if (password == null
        || password.length() < MIN_PASSWORD
        || password.length() > Passwords.MAX_LENGTH) {
      throw new Cli.Usage(
          "the password (CALLSTREAM_PASSWORD, the console or standard input) must be "
              + MIN_PASSWORD
              + " to "
              + Passwords.MAX_LENGTH
              + " characters");
    }
    return password;
  }

  private static String readConsole(Console console) {
    char[] chars = console.readPassword("password: ");
    return chars == null ? null : new String(chars);
  }

  private String readLine() {
    try {
      String line =
          new BufferedReader(new InputStreamReader(cli.stdin, StandardCharsets.UTF_8)).readLine();
      return line == null
          ? null
          : line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    } catch (IOException e) {
      return null;
    }
  }
}
