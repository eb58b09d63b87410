package io.callstream.webhook;

import io.callstream.db.DatabaseErrors;
import io.callstream.failure.Failure;
import io.vertx.core.Future;

/**
 * Database refusals caused by the body's content (SQLSTATE class 22, e.g. a NUL character) are the
 * sender's 400.
 */
final class WebhookErrors {
  private WebhookErrors() {}

  static <T> Future<T> badDataIsBadRequest(Throwable failure) {
    if (DatabaseErrors.badData(failure)) {
      return Future.failedFuture(
          Failure.invalid("body contains a value that cannot be stored: " + failure.getMessage()));
    }
    return Future.failedFuture(failure);
  }
}
