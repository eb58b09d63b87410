package io.callstream.config;

/**
 * Operations: the access log (one line per request) and error tracking (SENTRY_DSN; Sentry or
 * GlitchTip; unset = nothing is sent).
 */
public record OpsConfig(
    boolean accessLog, String sentryDsn, String sentryEnvironment, String sentryRelease) {
  static OpsConfig from(Settings s) {
    return new OpsConfig(
        s.bool("ACCESS_LOG", true),
        s.optional("SENTRY_DSN"),
        s.optional("SENTRY_ENVIRONMENT"),
        s.optional("SENTRY_RELEASE"));
  }

  @Override
  public String toString() {
    return "Ops[accessLog=" + accessLog + ", sentry=" + (sentryDsn == null ? "off" : "on") + "]";
  }
}
