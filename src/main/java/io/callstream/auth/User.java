package io.callstream.auth;

import java.util.regex.Pattern;

/** One row of {@code users}: a person or script that may ask for tokens. */
public record User(String username, String passwordHash, String role) {
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,100}");

  public static boolean validRole(String role) {
    return TokenClaims.DISPATCHER.equals(role) || TokenClaims.ADMIN.equals(role);
  }
}
