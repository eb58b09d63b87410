package io.callstream.auth;

import java.time.Instant;

/**
 * What a verified JWT says: who, which role, until when; {@code generation} (the {@code gen} claim,
 * 0 when absent) is the user's token generation when it was issued, which a sign-out raises; {@code
 * authTime} (the {@code auth_time} claim, else {@code iat}) is when the password was given, kept
 * through refreshes (docs/sessions.md).
 */
public record TokenClaims(
    String subject, String role, Instant expiresAt, int generation, Instant authTime) {
  public static final String DISPATCHER = "dispatcher";
  public static final String ADMIN = "admin";

  public TokenClaims(String subject, String role, Instant expiresAt) {
    this(subject, role, expiresAt, 0, Instant.now());
  }

  /** Admins may do everything a dispatcher may. */
  public boolean mayAct(String requiredRole) {
    return role.equals(requiredRole) || ADMIN.equals(role);
  }
}
