package io.callstream.webhook;

import io.callstream.db.DatabaseErrors;
import io.callstream.failure.Failure;
import io.callstream.web.AccessLog;
import io.callstream.web.ClientAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the webhook role tells operators: {@code callstream_webhooks_total{endpoint,type,outcome}}, the processing
 * time {@code callstream_webhook_duration_seconds{endpoint}}, database write failures, and one log line per webhook
 * ({@code webhook endpoint=post_call type=... outcome=... status=... conversation=... call_sid=... ms=... bytes=...
 * client=...}), which is also the request's access-log line. The first handler
 * of a webhook route starts the observation; handlers note what they learn ({@link #note}); the outcome is decided
 * when the response ends, from the noted outcome or the status. Labels are bounded: unknown types count as "other".
 */
final class WebhookMetrics {
  private static final Logger LOG = Logger.getLogger("callstream.webhook");
  static final String POST_CALL = "post_call";
  static final String TRANSCRIPTION = "transcription";
  private static final Set<String> TYPES = Set.of("post_call_transcription", "call_initiation_failure",
      "post_call_audio", "live_turn");
  private static final String KEY = "callstream.webhook.observation";

  private final MeterRegistry registry;
  /** Meters by label values (bounded: endpoints x types x outcomes), looked up rather than re-registered. */
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  private final ClientAddress clients;

  WebhookMetrics(MeterRegistry registry, ClientAddress clients) {
    this.registry = registry;
    this.clients = clients;
  }

  /** What a handler learnt about one delivery; any field may stay null. */
  static final class Observation {
    final String endpoint;
    final long startNanos = System.nanoTime();
    String type;
    String outcome;
    String conversationId;
    String callSid;
    Throwable failure;

    Observation(String endpoint) {
      this.endpoint = endpoint;
    }
  }

  /** The first handler of a webhook route. */
  void start(RoutingContext ctx, String endpoint) {
    Observation o = new Observation(endpoint);
    ctx.put(KEY, o);
    ctx.put(AccessLog.LOGGED_ELSEWHERE, Boolean.TRUE); // the webhook line below is this request's access line
    ctx.addEndHandler(v -> finish(o, ctx));
    ctx.next();
  }

  static Observation note(RoutingContext ctx) {
    Observation o = ctx.get(KEY);
    return o != null ? o : new Observation("unknown");
  }

  /** Eight latency buckets (a percentile histogram was 70 lines per endpoint). */
  private static final Duration[] WEBHOOK_BUCKETS = {Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(5)};

  private void finish(Observation o, RoutingContext ctx) {
    int status = ctx.response().getStatusCode();
    String outcome = o.outcome != null && status < 300 ? o.outcome : outcomeOf(status, o.failure);
    String type = o.type == null ? "unknown" : TYPES.contains(o.type) ? o.type : "other";
    long nanos = System.nanoTime() - o.startNanos;
    counters.computeIfAbsent(o.endpoint + '/' + type + '/' + outcome, k -> Counter.builder("callstream_webhooks")
        .description("webhooks received, by endpoint, type and outcome")
        .tag("endpoint", o.endpoint).tag("type", type).tag("outcome", outcome).register(registry)).increment();
    timers.computeIfAbsent(o.endpoint, e -> Timer.builder("callstream_webhook_duration")
        .description("time to verify, store and answer a webhook")
        .tag("endpoint", e).serviceLevelObjectives(WEBHOOK_BUCKETS).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (o.failure != null && !(o.failure instanceof Failure)) {
      Counter.builder("callstream_db_write_failures").description("database writes that failed")
          .tag("operation", o.endpoint).register(registry).increment();
    }
    if (LOG.isLoggable(Level.INFO)) {
      LOG.info(new StringBuilder(160).append("webhook endpoint=").append(o.endpoint).append(" type=").append(type)
          .append(" outcome=").append(outcome).append(" status=").append(status).append(" conversation=")
          .append(o.conversationId).append(" call_sid=").append(o.callSid).append(" ms=")
          .append(Math.round(nanos / 1e5) / 10.0).append(" bytes=").append(ctx.response().bytesWritten())
          .append(" client=").append(clients.of(ctx.request())).toString());
    }
  }

  static String outcomeOf(int status, Throwable failure) {
    if (status >= 200 && status < 300) {
      return "applied";
    }
    return switch (status) {
      case 401 -> "rejected_signature";
      case 400, 413 -> "invalid";
      case 404 -> "parked";
      // the database down or too slow (timeouts, WEBHOOK_DEADLINE_MS, a full writer queue): the sender retries
      case 503 -> failure == null || DatabaseErrors.unavailable(failure)
          || failure instanceof Failure f && f.is(Failure.Kind.UNAVAILABLE) ? "unavailable" : "failed";
      default -> "failed";
    };
  }
}
