package io.callstream.failure;

/**
 * Why an operation was refused, in the domain's words. Domain code (parsers, verifiers, services)
 * fails with a {@code Failure}; the web toolkit's failure handler is the one place that turns its
 * {@link Kind} into an HTTP status. No stack trace is kept: a Failure is an expected outcome, not a
 * bug.
 */
public final class Failure extends RuntimeException {
  /** The kinds of refusal callers must tell apart. */
  public enum Kind {
    /** The input is malformed or breaks a rule (HTTP 400). */
    INVALID,
    /** No credentials, or credentials that do not verify (401). */
    UNAUTHENTICATED,
    /** Authenticated, but not allowed to do this (403). */
    FORBIDDEN,
    /** The thing named does not exist (404). */
    NOT_FOUND,
    /** The thing exists but is not in a state that allows this yet (409). */
    CONFLICT,
    /** The input is larger than allowed (413). */
    TOO_LARGE,
    /** Too many attempts; retry later (429). */
    THROTTLED,
    /** An outside service (ElevenLabs) failed (502). */
    UPSTREAM,
    /** This node cannot do it now; retry later or elsewhere (503). */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String code;

  public Failure(Kind kind, String message) {
    this(kind, null, message);
  }

  /**
   * A refusal with a more precise machine-readable code than its kind's (one of {@link ErrorCode}).
   */
  public Failure(Kind kind, String code, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The machine-readable code of the error answer: the one given, else the kind's ({@link
   * ErrorCode#of}).
   */
  public String code() {
    return code != null ? code : ErrorCode.of(kind);
  }

  /** The same refusal with a more precise code. */
  public Failure withCode(String precise) {
    return new Failure(kind, precise, getMessage());
  }

  public boolean is(Kind k) {
    return kind == k;
  }

  public static Failure invalid(String message) {
    return new Failure(Kind.INVALID, message);
  }

  public static Failure unauthenticated(String message) {
    return new Failure(Kind.UNAUTHENTICATED, message);
  }

  public static Failure forbidden(String message) {
    return new Failure(Kind.FORBIDDEN, message);
  }

  public static Failure notFound(String message) {
    return new Failure(Kind.NOT_FOUND, message);
  }

  public static Failure conflict(String message) {
    return new Failure(Kind.CONFLICT, message);
  }

  public static Failure tooLarge(String message) {
    return new Failure(Kind.TOO_LARGE, message);
  }

  public static Failure throttled(String message) {
    return new Failure(Kind.THROTTLED, message);
  }

  public static Failure upstream(String message) {
    return new Failure(Kind.UPSTREAM, message);
  }

  public static Failure unavailable(String message) {
    return new Failure(Kind.UNAVAILABLE, message);
  }
}
