package io.callstream.call;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the call domain tells operators (Prometheus names): {@code
 * callstream_calls_started_total{outcome}}, {@code callstream_calls_finished_total{status,reason}},
 * {@code callstream_call_duration_seconds}, {@code callstream_call_cost_credits}, {@code
 * callstream_calls_success_total{successful}}, {@code callstream_postcall_lag_seconds} and {@code
 * callstream_elevenlabs_requests_total{endpoint,outcome}} with {@code
 * callstream_elevenlabs_request_duration_seconds{endpoint}}. Label values are bounded: a failure
 * reason is cut to its first word ("api_error: 422 ..." counts as api_error).
 */
public final class CallMetrics {
  private static final Pattern REASON = Pattern.compile("[a-z][a-z_-]{0,31}");

  private final MeterRegistry registry;
  private final DistributionSummary duration;
  private final DistributionSummary cost;
  private final Timer lag;

  public CallMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration =
        DistributionSummary.builder("callstream_call_duration")
            .baseUnit("seconds")
            .description("duration of completed calls (ElevenLabs' call_duration_secs)")
            .serviceLevelObjectives(15, 30, 60, 120, 300, 600, 1200)
            .register(registry);
    this.cost =
        DistributionSummary.builder("callstream_call_cost")
            .baseUnit("credits")
            .description("cost of completed calls in ElevenLabs credits")
            .serviceLevelObjectives(100, 250, 500, 1000, 2000, 5000, 10000)
            .register(registry);
    this.lag =
        Timer.builder("callstream_postcall_lag")
            .description("from a post-call event's timestamp to its application")
            .serviceLevelObjectives(
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60),
                Duration.ofMinutes(10),
                Duration.ofHours(1))
            .register(registry);
  }

  /** outcome: dialled, dial_failed, unknown_driver, error. */
  public void started(String outcome) {
    Counter.builder("callstream_calls_started")
        .description("call starts by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** A call reached completed or failed (counted once: callers only report a change). */
  public void finished(Call call) {
    if (!call.ended()) {
      return;
    }
    Counter.builder("callstream_calls_finished")
        .description("calls that ended, by status and failure reason")
        .tag("status", call.status())
        .tag("reason", reason(call.failureReason()))
        .register(registry)
        .increment();
    if (Call.COMPLETED.equals(call.status())) {
      if (call.callDurationSeconds() != null) {
        duration.record(call.callDurationSeconds());
      }
      if (call.cost() != null) {
        cost.record(call.cost());
      }
      String verdict = call.callSuccessful() == null ? "unknown" : call.callSuccessful().toString();
      Counter.builder("callstream_calls_success")
          .description("completed calls by ElevenLabs' success verdict")
          .tag("successful", verdict)
          .register(registry)
          .increment();
    }
  }

  /** A post-call event whose timestamp (unix seconds) was just applied. */
  public void applied(Long eventTimestamp) {
    if (eventTimestamp != null) {
      long millis = Instant.now().toEpochMilli() - eventTimestamp * 1000;
      lag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
  }

  /** Counts and times one ElevenLabs API request. */
  /** Eight latency buckets (a percentile histogram was 70 lines per endpoint). */
  private static final Duration[] ELEVENLABS_BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  public <T> Future<T> elevenLabs(String endpoint, Future<T> request) {
    long start = System.nanoTime();
    return request.andThen(
        ar -> {
          String outcome =
              ar.succeeded()
                  ? "ok"
                  : ar.cause() instanceof ElevenLabsException e
                      ? e.kind().name().toLowerCase()
                      : "error";
          Counter.builder("callstream_elevenlabs_requests")
              .description("ElevenLabs API requests by endpoint, outcome")
              .tag("endpoint", endpoint)
              .tag("outcome", outcome)
              .register(registry)
              .increment();
          Timer.builder("callstream_elevenlabs_request_duration")
              .description("ElevenLabs API request latency")
              .tag("endpoint", endpoint)
              .serviceLevelObjectives(ELEVENLABS_BUCKETS)
              .register(registry)
              .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
  }

  static String reason(String failureReason) {
    if (failureReason == null) {
      return "none";
    }
    String first = failureReason.split("[:\\s]", 2)[0].toLowerCase();
    return REASON.matcher(first).matches() ? first : "other";
  }
}
