package io.callstream.webhook;

import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * WEBHOOK_DEADLINE_MS: how long a webhook waits for its write. The answer is the write's own
 * outcome when it comes in time, else a {@link Failure.Kind#UNAVAILABLE} failure (503 with
 * Retry-After: the sender retries). The write is not cancelled: whatever it does after the deadline
 * (commit, publish) still happens exactly once, and a retry of a delivery that committed late is
 * recognised as a duplicate (stored and announced once). Never a 200 before commit.
 */
final class WebhookDeadline {
  private final Vertx vertx;
  private final long millis;

  WebhookDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  /**
   * The nanoTime at which a write starting now is past the deadline (for writers that can drop
   * queued work).
   */
  long deadlineNanos() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  <T> Future<T> answerBy(Future<T> write) {
    if (write.isComplete()) {
      return write;
    }
    Promise<T> answer = Promise.promise();
    long timer =
        vertx.setTimer(
            millis,
            id ->
                answer.tryFail(
                    Failure.unavailable(
                        "not stored within "
                            + millis
                            + " ms (database slow or unavailable); retry later")));
    write.onComplete(
        ar -> {
          vertx.cancelTimer(timer);
          if (ar.succeeded()) {
            answer.tryComplete(ar.result());
          } else {
            answer.tryFail(ar.cause());
          }
        });
    return answer.future();
  }
}
