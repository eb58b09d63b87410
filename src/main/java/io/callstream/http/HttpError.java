package io.callstream.http;

/** A failure that carries its HTTP status; the {@link FailureHandler} writes it. No stack trace is kept. */
public final class HttpError extends RuntimeException {
  private final int status;

  public HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  public static HttpError unauthorized(String message) {
    return new HttpError(401, message);
  }

  public static HttpError forbidden(String message) {
    return new HttpError(403, message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, message);
  }

  public static HttpError tooLarge(String message) {
    return new HttpError(413, message);
  }

  public static HttpError badGateway(String message) {
    return new HttpError(502, message);
  }

  public static HttpError unavailable(String message) {
    return new HttpError(503, message);
  }
}
