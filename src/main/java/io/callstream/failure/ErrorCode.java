package io.callstream.failure;

/**
 * The machine-readable {@code code} of every error answer (HTTP error bodies and, where the meaning
 * is the same, the WebSocket's {@code error} frames: CALL_NOT_FOUND, INVALID_IDENTIFIER,
 * TOKEN_EXPIRED). Clients switch on the code, never on the human-readable text. Listed in
 * docs/http-api.md and the OpenAPI {@code Error} schema.
 */
public final class ErrorCode {
  private ErrorCode() {}

  /** Malformed input or a broken rule (400). */
  public static final String INVALID_REQUEST = "INVALID_REQUEST";

  /** A call identifier (call_sid or conversation_id) that cannot be one (400). */
  public static final String INVALID_IDENTIFIER = "INVALID_IDENTIFIER";

  /** No credentials, or credentials that do not verify (401). */
  public static final String UNAUTHORIZED = "UNAUTHORIZED";

  /** The JWT has expired: log in again (401). */
  public static final String TOKEN_EXPIRED = "TOKEN_EXPIRED";

  /**
   * The token was revoked: its user signed out or was disabled since it was issued (401;
   * docs/sessions.md).
   */
  public static final String TOKEN_REVOKED = "TOKEN_REVOKED";

  /**
   * Authenticated, but not allowed (403), or a webhook signature that does not verify (Twilio:
   * 403).
   */
  public static final String FORBIDDEN = "FORBIDDEN";

  /** No such endpoint or thing (404). */
  public static final String NOT_FOUND = "NOT_FOUND";

  /** No call with this call_sid or conversation_id (404). */
  public static final String CALL_NOT_FOUND = "CALL_NOT_FOUND";

  /** The request body did not arrive within HTTP_REQUEST_TIMEOUT_SECONDS (408). */
  public static final String REQUEST_TIMEOUT = "REQUEST_TIMEOUT";

  /** The thing is not in a state that allows this yet (409). */
  public static final String CONFLICT = "CONFLICT";

  /** The body is over the limit (413). */
  public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";

  /** Too many attempts; retry after Retry-After (429). */
  public static final String RATE_LIMITED = "RATE_LIMITED";

  /** An unexpected fault, logged with its stack on the node (500). */
  public static final String INTERNAL = "INTERNAL";

  /** ElevenLabs failed or could not be reached (502). */
  public static final String UPSTREAM_FAILED = "UPSTREAM_FAILED";

  /**
   * The database is unavailable, the node is draining, or a needed setting is missing: retry later
   * (503).
   */
  public static final String UNAVAILABLE = "UNAVAILABLE";

  /** The code of a kind of refusal. */
  public static String of(Failure.Kind kind) {
    return switch (kind) {
      case INVALID -> INVALID_REQUEST;
      case UNAUTHENTICATED -> UNAUTHORIZED;
      case FORBIDDEN -> FORBIDDEN;
      case NOT_FOUND -> NOT_FOUND;
      case CONFLICT -> CONFLICT;
      case TOO_LARGE -> PAYLOAD_TOO_LARGE;
      case THROTTLED -> RATE_LIMITED;
      case UPSTREAM -> UPSTREAM_FAILED;
      case UNAVAILABLE -> UNAVAILABLE;
    };
  }

  /**
   * The code of an answer that has only a status (the router's own 404/413, the request deadline's
   * 408...).
   */
  public static String ofStatus(int status) {
    return switch (status) {
      case 400 -> INVALID_REQUEST;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 408 -> REQUEST_TIMEOUT;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 429 -> RATE_LIMITED;
      case 502 -> UPSTREAM_FAILED;
      case 503 -> UNAVAILABLE;
      default -> status >= 400 && status < 500 ? INVALID_REQUEST : INTERNAL;
    };
  }
}
