package io.callstream.web;

/**
 * Where the failure handler reports the server errors it answers (5xx), so that the toolkit does
 * not know the error tracker: the assembly wires one in ({@code
 * ErrorTracking::captureServerError}).
 */
@FunctionalInterface
public interface ErrorReporter {
  /**
   * A request answered with {@code status} (5xx) because of {@code failure} (null when there is
   * none).
   */
  void serverError(String method, String route, int status, Throwable failure);
}
