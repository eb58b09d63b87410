package io.callstream.webhook;

import io.callstream.http.HttpError;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;

/** Database refusals caused by the body's content (SQLSTATE class 22, e.g. a NUL character) are the sender's 400. */
final class WebhookErrors {
  private WebhookErrors() {}

  static <T> Future<T> badDataIsBadRequest(Throwable failure) {
    if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      return Future.failedFuture(HttpError.badRequest("body contains a value that cannot be stored: "
          + pg.getErrorMessage()));
    }
    return Future.failedFuture(failure);
  }
}
