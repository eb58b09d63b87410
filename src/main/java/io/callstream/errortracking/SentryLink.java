package io.callstream.errortracking;

import io.sentry.Sentry;
import io.sentry.SentryOptions;

/**
 * The process's one link to Sentry. The SDK is process-global: {@code Main} opens the link once,
 * from the main thread (init reads the classpath), after {@code Logging.configure}, before the node
 * starts, and closes it when the process stops (flushing what is queued, at most 2 s). Each node's
 * {@link ErrorTracking} sends through it.
 */
public final class SentryLink implements AutoCloseable {
  /** No Sentry: errors are only counted (SENTRY_DSN unset; nodes started by tests). */
  public static final SentryLink NONE = new SentryLink(false);

  private final boolean enabled;

  private SentryLink(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Initialises the SDK unless {@code dsn} is blank. {@code environment} and {@code release} may be
   * null.
   */
  public static SentryLink open(String dsn, String environment, String release) {
    if (dsn == null || dsn.isBlank()) {
      return NONE;
    }
    Sentry.init(options -> configure(options, dsn, environment, release));
    return new SentryLink(true);
  }

  private static void configure(
      SentryOptions options, String dsn, String environment, String release) {
    options.setDsn(dsn);
    if (environment != null && !environment.isBlank()) {
      options.setEnvironment(environment);
    }
    if (release != null && !release.isBlank()) {
      options.setRelease(release);
    }
    options.setSendDefaultPii(false);
    options.setMaxRequestBodySize(SentryOptions.RequestSize.NONE);
    options.setBeforeSend(Scrubber::event);
    options.setBeforeBreadcrumb(
        (breadcrumb, hint) -> null); // breadcrumbs would carry log and HTTP text
    options.setSendClientReports(false);
    options.setEnableExternalConfiguration(false);
    options.setTracesSampleRate(null);
    options.setShutdownTimeoutMillis(2000); // bounded: closing runs at the end of the drain
  }

  /** True when events are sent to Sentry. */
  public boolean enabled() {
    return enabled;
  }

  @Override
  public void close() {
    if (enabled) {
      Sentry.close();
    }
  }
}
