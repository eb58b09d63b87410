package io.callstream.support;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The suite's one way to wait: for a Vert.x future's outcome, or (when there is no event to wait
 * on: a counter, a row, another process's answer) for a condition, checked with a short park
 * between checks and bounded by a deadline. Never sleeps for a fixed time.
 */
public final class Await {
  /**
   * Bound of a future's outcome: generous, since a node or cluster start on a loaded machine takes
   * seconds.
   */
  public static final Duration FUTURE_TIMEOUT = Duration.ofSeconds(60);

  /** Default bound of a condition. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  /**
   * Between two checks: short enough to notice a change at once, long enough not to spin a shared
   * core.
   */
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private Await() {}

  /** The future's result; its failure is rethrown (unchecked causes as they are). */
  public static <T> T result(Future<T> future) {
    return result(future, FUTURE_TIMEOUT);
  }

  public static <T> T result(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException e) {
      throw new AssertionError("no outcome within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }

  /** The future's failure; an AssertionError if it succeeds. */
  public static Throwable failure(Future<?> future) {
    try {
      future
          .toCompletionStage()
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("no outcome within " + TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
    throw new AssertionError("expected a failure");
  }

  /** Waits until the condition holds, at most {@link #TIMEOUT}. */
  public static void until(String description, BooleanSupplier condition) {
    until(description, condition, TIMEOUT);
  }

  /**
   * Waits until the condition holds; fails with "timed out after N s waiting until {description}".
   */
  public static void until(String description, BooleanSupplier condition, Duration timeout) {
    if (!within(timeout, condition)) {
      throw new AssertionError(
          "timed out after " + timeout.toSeconds() + " s waiting until " + description);
    }
  }

  /**
   * Waits until the condition holds or the timeout passes; says which. For callers that fail with
   * their own message, or (benchmarks) carry on after a bounded wait. The condition may throw to
   * give up early.
   */
  public static boolean within(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      LockSupport.parkNanos(PARK_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException("interrupted while waiting");
      }
    }
    return true;
  }

  /**
   * Probes until a probed value is accepted or the timeout passes, and returns the last value
   * either way: the caller asserts on it, so a failure shows what was last seen (e.g. a response's
   * status and body).
   */
  public static <T> T latest(Supplier<T> probe, Predicate<T> accept, Duration timeout) {
    Object[] last = new Object[1];
    within(
        timeout,
        () -> {
          T value = probe.get();
          last[0] = value;
          return accept.test(value);
        });
    @SuppressWarnings("unchecked")
    T value = (T) last[0];
    return value;
  }
}
