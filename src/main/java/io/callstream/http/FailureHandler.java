package io.callstream.http;

import io.callstream.db.DatabaseErrors;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where failures become HTTP answers: {@code {"status":"error","error":"..."}} with the
 * status an {@link HttpError} carries, 503 when the database is unavailable, 500 (logged with its stack) else.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = Logger.getLogger(FailureHandler.class.getName());

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String message;
    if (failure instanceof HttpError e) {
      status = e.status();
      message = e.getMessage();
    } else if (failure != null && DatabaseErrors.unavailable(failure)) {
      status = 503;
      message = "database unavailable, retry later";
      LOG.warning(() -> ctx.request().method() + " " + ctx.request().path() + ": database unavailable: " + failure);
    } else if (failure == null && ctx.statusCode() > 0) {
      status = ctx.statusCode();
      message = switch (status) {
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
      LOG.log(Level.SEVERE, ctx.request().method() + " " + ctx.request().path() + " failed", failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Responses.json(ctx.response().setStatusCode(status), new JsonObject().put("status", "error").put("error", message));
  }
}
