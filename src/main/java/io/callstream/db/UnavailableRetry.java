package io.callstream.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs a read again while the database is {@linkplain DatabaseErrors#unavailable unavailable} (a
 * restart, a stall, a pool waiting for connections), with a backoff doubling from 250 ms to 2 s,
 * until it succeeds, fails for another reason, or {@code boundMillis} have passed since the first
 * try (then the last failure is the result). For reads whose caller can wait: a dashboard's
 * catch-up rides out a database restart instead of losing its socket.
 */
public final class UnavailableRetry {
  static final long FIRST_DELAY_MS = 250;
  static final long MAX_DELAY_MS = 2_000;

  private final Vertx vertx;
  private final long boundMillis;

  public UnavailableRetry(Vertx vertx, long boundMillis) {
    this.vertx = vertx;
    this.boundMillis = boundMillis;
  }

  public <T> Future<T> run(Supplier<Future<T>> read) {
    Promise<T> result = Promise.promise();
    attempt(read, result, System.nanoTime() + boundMillis * 1_000_000, FIRST_DELAY_MS);
    return result.future();
  }

  private <T> void attempt(Supplier<Future<T>> read, Promise<T> result, long deadline, long delay) {
    read.get()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                result.complete(ar.result());
              } else if (!DatabaseErrors.unavailable(ar.cause())
                  || System.nanoTime() + delay * 1_000_000 > deadline) {
                result.fail(ar.cause());
              } else {
                vertx.setTimer(
                    delay,
                    id -> attempt(read, result, deadline, Math.min(delay * 2, MAX_DELAY_MS)));
              }
            });
  }
}
