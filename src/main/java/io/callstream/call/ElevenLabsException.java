package io.callstream.call;

/** A failed ElevenLabs API call: why, and (truncated) what ElevenLabs answered. */
public final class ElevenLabsException extends RuntimeException {
  /** How it failed. */
  public enum Kind {
    /** The resource does not exist (404). */
    NOT_FOUND,
    /** ElevenLabs refused the request (4xx other than 404, or {@code success:false}). */
    REJECTED,
    /** ElevenLabs failed, timed out or could not be reached. */
    UPSTREAM
  }

  public static final int MAX_BODY_CHARS = 300;

  private final Kind kind;
  private final int status;

  public ElevenLabsException(Kind kind, int status, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.status = status;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status ElevenLabs answered, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  /** At most {@link #MAX_BODY_CHARS} characters of a response body, on one line. */
  public static String truncate(String body) {
    if (body == null) {
      return "";
    }
    String oneLine = body.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= MAX_BODY_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_BODY_CHARS) + "...";
  }
}
