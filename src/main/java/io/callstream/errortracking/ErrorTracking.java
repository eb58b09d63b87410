package io.callstream.errortracking;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sentry.ScopeCallback;
import io.sentry.Sentry;
import io.sentry.SentryLevel;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server errors, unexpected exceptions and blocked event loops: counted in {@code
 * callstream_errors_total{kind}} always, and sent to Sentry when SENTRY_DSN is set (scrubbed by
 * {@link Scrubber} first). Client errors (4xx) are neither counted nor sent: their messages echo
 * user input and they are not the service's faults.
 *
 * <p>One instance per node, built by the assembly; the Sentry SDK itself is process-global and
 * initialised once by {@code Main} ({@link SentryLink}). Create it after {@code Logging.configure}
 * (which resets java.util.logging and would drop the blocked-thread handler) and close it when the
 * node stops. Sending happens on the SDK's own thread; capture never blocks the caller.
 */
public final class ErrorTracking implements AutoCloseable {
  /**
   * Vert.x 5 logs "Thread ... has been blocked for N ms" under this name (BlockedThreadChecker).
   */
  static final String BLOCKED_THREAD_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  static final String METRIC = "callstream_errors";

  /** "Thread vert.x-eventloop-thread-1 has been blocked for 2345 ms, time limit is 2000 ms". */
  private static final Pattern BLOCKED_THREAD_NAME =
      Pattern.compile("^Thread (?:Thread\\[)?([^\\s,\\]]+)");

  private final boolean enabled;
  private final Counter http5xx;
  private final Counter exceptions;
  private final Counter blockedThreads;

  /**
   * Held strongly: java.util.logging keeps loggers weakly, and a collected logger loses its
   * handler.
   */
  private final Logger blockedThreadLogger = Logger.getLogger(BLOCKED_THREAD_LOGGER);

  private final Handler blockedThreadHandler = new BlockedThreadHandler();

  /**
   * The error tracking of one node: its counters in the node's registry, its handler of
   * blocked-thread warnings, and sending through the process's {@code sentry} link ({@link
   * SentryLink#NONE}: counted only).
   */
  public ErrorTracking(SentryLink sentry, MeterRegistry metrics) {
    this.enabled = sentry.enabled();
    // Registered up front so the series exist at 0: increase() and rate() in alerts then see the
    // first error.
    this.http5xx = counter(metrics, "http_5xx");
    this.exceptions = counter(metrics, "exception");
    this.blockedThreads = counter(metrics, "blocked_thread");
    blockedThreadLogger.addHandler(blockedThreadHandler);
  }

  private static Counter counter(MeterRegistry metrics, String kind) {
    return Counter.builder(METRIC)
        .description("server errors, unexpected exceptions and blocked event loops")
        .tag("kind", kind)
        .register(metrics);
  }

  /**
   * A request answered with {@code status}: 5xx is counted and sent (the throwable, or a message
   * when there is none); anything below 500 is ignored. {@code route} should be the route template
   * ({@code /calls/:id}); a query string is cut off regardless. Do not report deliberate 503s
   * (drain refusals): they are not faults.
   */
  public void captureServerError(String method, String route, int status, Throwable failure) {
    if (status < 500) {
      return;
    }
    http5xx.increment();
    if (!enabled) {
      return;
    }
    String cleanRoute = Scrubber.route(route);
    String safeMethod = method == null ? "-" : method;
    ScopeCallback scope =
        s -> {
          s.setTag("kind", "http_5xx");
          s.setTag("method", safeMethod);
          s.setTag("route", cleanRoute);
          s.setTag("status", Integer.toString(status));
          s.setTransaction(safeMethod + " " + cleanRoute);
        };
    if (failure != null) {
      Sentry.captureException(failure, scope);
    } else {
      Sentry.captureMessage(
          "HTTP " + status + " " + safeMethod + " " + cleanRoute, SentryLevel.ERROR, scope);
    }
  }

  /**
   * An exception outside a request (a verticle, the reconciler, a consumer): {@code where} names
   * the place.
   */
  public void captureException(String where, Throwable failure) {
    exceptions.increment();
    if (!enabled || failure == null) {
      return;
    }
    Sentry.captureException(
        failure,
        s -> {
          s.setTag("kind", "exception");
          s.setTag("where", where == null ? "-" : where);
        });
  }

  void blockedThread(LogRecord record) {
    blockedThreads.increment();
    if (!enabled) {
      return;
    }
    String warning = String.valueOf(record.getMessage());
    Matcher matcher = BLOCKED_THREAD_NAME.matcher(warning);
    String thread = matcher.find() ? matcher.group(1) : "-";
    ScopeCallback scope =
        s -> {
          s.setTag("kind", "blocked_thread");
          s.setTag("thread", thread);
          s.setExtra("warning", warning);
          s.setLevel(SentryLevel.WARNING);
          s.setFingerprint(
              List.of("vertx-blocked-thread")); // one issue, not one per duration in the message
        };
    if (record.getThrown() != null) {
      // Carries the blocked thread's stack (Vert.x attaches it after warningExceptionTime).
      Sentry.captureException(record.getThrown(), scope);
    } else {
      Sentry.captureMessage(warning, SentryLevel.WARNING, scope);
    }
  }

  /**
   * Stops forwarding blocked-thread warnings; the process's {@link SentryLink} is closed by its
   * owner.
   */
  @Override
  public void close() {
    blockedThreadLogger.removeHandler(blockedThreadHandler);
  }

  /**
   * Forwards Vert.x's blocked-thread warnings; runs on Vert.x's checker timer thread, never an
   * event loop.
   */
  private final class BlockedThreadHandler extends Handler {
    @Override
    public void publish(LogRecord record) {
      if (record != null && record.getLevel().intValue() >= Level.WARNING.intValue()) {
        blockedThread(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
