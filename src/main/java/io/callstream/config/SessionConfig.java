package io.callstream.config;

/**
 * Sessions and signed audio links (docs/sessions.md). {@code maxHours}: SESSION_MAX_HOURS, how long
 * after the password was given {@code POST /auth/refresh} still re-issues a token. {@code
 * revocationCheckSeconds}: REVOCATION_CHECK_SECONDS, how long a node may go on trusting what it
 * last read about a user (signed out, disabled): the bound within which every node and every
 * WebSocket honours a sign-out or {@code user disable}. {@code audioLinkTtlSeconds}:
 * AUDIO_LINK_TTL_SECONDS, the lifetime of a signed recording link.
 */
public record SessionConfig(int maxHours, int revocationCheckSeconds, int audioLinkTtlSeconds) {
  public static final SessionConfig DEFAULTS = new SessionConfig(12, 10, 900);

  static SessionConfig from(Settings s) {
    return new SessionConfig(
        s.integer("SESSION_MAX_HOURS", DEFAULTS.maxHours(), 1, 8760),
        s.integer("REVOCATION_CHECK_SECONDS", DEFAULTS.revocationCheckSeconds(), 1, 300),
        s.integer("AUDIO_LINK_TTL_SECONDS", DEFAULTS.audioLinkTtlSeconds(), 10, 86_400));
  }
}
