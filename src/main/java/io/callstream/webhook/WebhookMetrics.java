package io.callstream.webhook;

import io.callstream.failure.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the webhook role tells operators about each delivery, recorded by {@link WebhookAnswers}
 * from its {@link WebhookOutcome}: {@code callstream_webhooks_total{endpoint,type,outcome}}, the
 * processing time {@code callstream_webhook_duration_seconds{endpoint}}, database write failures,
 * and one log line per webhook ({@code webhook endpoint=post_call type=... outcome=... status=...
 * conversation=... call_sid=... ms=... bytes=... client=...}), which is also the request's
 * access-log line. Labels are bounded: unknown types count as "other".
 */
final class WebhookMetrics {
  private static final Logger LOG = Logger.getLogger("callstream.webhook");
  static final String POST_CALL = "post_call";
  static final String TRANSCRIPTION = "transcription";
  private static final Set<String> TYPES =
      Set.of("post_call_transcription", "call_initiation_failure", "post_call_audio", "live_turn");

  /** Eight latency buckets (a percentile histogram was 70 lines per endpoint). */
  private static final Duration[] WEBHOOK_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;

  /**
   * Meters by label values (bounded: endpoints x types x outcomes), looked up rather than
   * re-registered.
   */
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * One answered delivery: {@code status} as sent, {@code bytes} of the answer, {@code client} for
   * the log.
   */
  void record(
      String endpoint, WebhookOutcome outcome, int status, long nanos, long bytes, String client) {
    WebhookOutcome.Delivery d = outcome.delivery();
    String type = d.type() == null ? "unknown" : TYPES.contains(d.type()) ? d.type() : "other";
    String label = outcome.label();
    counters
        .computeIfAbsent(
            endpoint + '/' + type + '/' + label,
            k ->
                Counter.builder("callstream_webhooks")
                    .description("webhooks received, by endpoint, type and outcome")
                    .tag("endpoint", endpoint)
                    .tag("type", type)
                    .tag("outcome", label)
                    .register(registry))
        .increment();
    timers
        .computeIfAbsent(
            endpoint,
            e ->
                Timer.builder("callstream_webhook_duration")
                    .description("time to verify, store and answer a webhook")
                    .tag("endpoint", e)
                    .serviceLevelObjectives(WEBHOOK_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (outcome instanceof WebhookOutcome.Refused r && !(r.failure() instanceof Failure)) {
      Counter.builder("callstream_db_write_failures")
          .description("database writes that failed")
          .tag("operation", endpoint)
          .register(registry)
          .increment();
    }
    if (LOG.isLoggable(Level.INFO)) {
      LOG.info(
          new StringBuilder(160)
              .append("webhook endpoint=")
              .append(endpoint)
              .append(" type=")
              .append(type)
              .append(" outcome=")
              .append(label)
              .append(" status=")
              .append(status)
              .append(" conversation=")
              .append(d.conversationId())
              .append(" call_sid=")
              .append(d.callSid())
              .append(" ms=")
              .append(Math.round(nanos / 1e5) / 10.0)
              .append(" bytes=")
              .append(bytes)
              .append(" client=")
              .append(client)
              .toString());
    }
  }
}
