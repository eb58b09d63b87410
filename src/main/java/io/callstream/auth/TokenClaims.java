package io.callstream.auth;

import java.time.Instant;

/** What a verified JWT says: who, which role, until when. */
public record TokenClaims(String subject, String role, Instant expiresAt) {
  public static final String DISPATCHER = "dispatcher";
  public static final String ADMIN = "admin";

  /** Admins may do everything a dispatcher may. */
  public boolean mayAct(String requiredRole) {
    return role.equals(requiredRole) || ADMIN.equals(role);
  }
}
