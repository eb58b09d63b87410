package io.callstream.auth;

import java.util.regex.Pattern;

/**
 * One row of {@code users}: a person or script that may ask for tokens; {@code tokenGeneration} is
 * raised by each sign-out (docs/sessions.md).
 */
public record User(String username, String passwordHash, String role, int tokenGeneration) {
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,100}");

  public User(String username, String passwordHash, String role) {
    this(username, passwordHash, role, 0);
  }

  /** What a refresh needs of an enabled user: the role now and the token generation in force. */
  public record Session(String role, int generation) {}

  public static boolean validRole(String role) {
    return TokenClaims.DISPATCHER.equals(role) || TokenClaims.ADMIN.equals(role);
  }
}
