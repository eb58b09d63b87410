package io.callstream.web;

import io.callstream.failure.Failure;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where failures become HTTP answers: {@code {"status":"error","error":"..."}} with
 * the status of a {@link Failure}'s kind, 503 when the database is unavailable, 500 (logged with
 * its stack) for anything else. Client errors (4xx) are logged in one line, without a stack trace.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(FailureHandler.class.getName());

  /** Where the failure's reason is left for the access log line. */
  public static final String ERROR_KEY = "callstream.error";

  private final Predicate<Throwable> databaseUnavailable;
  private final ErrorReporter errors;

  /**
   * {@code databaseUnavailable} tells a failure of the database that a retry later may get past
   * (answered 503); {@code errors} receives every 5xx that is a fault. Both are wired by the
   * assembly (from {@code db} and {@code errortracking}): the toolkit imports no feature.
   */
  public FailureHandler(Predicate<Throwable> databaseUnavailable, ErrorReporter errors) {
    this.databaseUnavailable = databaseUnavailable;
    this.errors = errors;
  }

  /** The HTTP status of each kind of refusal. */
  public static int status(Failure.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case TOO_LARGE -> 413;
      case THROTTLED -> 429;
      case UPSTREAM -> 502;
      case UNAVAILABLE -> 503;
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String message;
    if (failure instanceof Failure f) {
      status = status(f.kind());
      message = f.getMessage();
    } else if (failure != null && databaseUnavailable.test(failure)) {
      status = 503;
      message = "database unavailable, retry later";
      LOG.warning(() -> where(ctx) + ": database unavailable: " + failure);
    } else if (failure == null && ctx.statusCode() > 0) {
      status = ctx.statusCode();
      message =
          switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body too large";
            default -> "request failed";
          };
    } else {
      status = 500;
      message = "internal error";
      LOG.log(Level.SEVERE, where(ctx) + " failed", failure);
    }
    ctx.put(ERROR_KEY, message);
    if (status >= 400 && status < 500) {
      LOG.fine(
          () -> where(ctx) + " -> " + status + " " + message); // the access log line carries it
    } else if (!(failure instanceof Failure f && f.is(Failure.Kind.UNAVAILABLE))) {
      // deliberate 503s (draining, not configured) are not faults; a database outage and upstream
      // failures are
      errors.serverError(ctx.request().method().name(), route(ctx), status, failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    // the machine-readable code next to the reason (docs/http-api.md lists them)
    String code =
        failure instanceof Failure f ? f.code() : io.callstream.failure.ErrorCode.ofStatus(status);
    Responses.json(ctx.response().setStatusCode(status), Responses.error(code, message));
  }

  /** The route template ({@code /calls/:id}), never the raw path with its identifiers. */
  public static String route(RoutingContext ctx) {
    return ctx.currentRoute() != null && ctx.currentRoute().getPath() != null
        ? ctx.currentRoute().getPath()
        : "unmatched";
  }

  private static String where(RoutingContext ctx) {
    return ctx.request().method() + " " + ctx.request().path();
  }
}
