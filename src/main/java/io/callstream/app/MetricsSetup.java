package io.callstream.app;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Vert.x's metrics, kept small and bounded (issue 19: 60 requests with invented HTTP methods added
 * 38,000 lines to /metrics). Label values come from known sets only: HTTP methods outside {@link
 * #METHODS} are {@code other}, status codes outside {@link #CODES} their class ({@code 4xx}), a
 * request no route matched is route {@code unmatched}. One latency histogram per route ({@code
 * vertx_http_server_response_time_seconds}, {@link #LATENCY_BUCKETS}), no percentile histograms
 * elsewhere; the request counter keeps method, code and route.
 */
final class MetricsSetup {
  static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH");

  /** The status codes callstream answers with (anything else: its class). */
  static final Set<String> CODES =
      Set.of(
          "101", "200", "201", "202", "204", "301", "302", "304", "400", "401", "403", "404", "405",
          "408", "409", "413", "414", "415", "422", "429", "431", "500", "501", "502", "503",
          "504");

  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(25),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(10)
  };
  private static final String HTTP = "vertx_http_";
  private static final String LATENCY = "vertx_http_server_response_time";
  private static final String REQUESTS = "vertx_http_server_requests";

  private MetricsSetup() {}

  static MicrometerMetricsOptions options(String registryName) {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // HTTP metrics per route template (bounded: the router's paths, not raw URLs); no
        // per-address event bus
        .setLabels(
            EnumSet.of(
                Label.HTTP_ROUTE,
                Label.HTTP_METHOD,
                Label.HTTP_CODE,
                Label.POOL_TYPE,
                Label.POOL_NAME,
                Label.EB_SIDE))
        .setRegistryName(registryName)
        // no percentile histogram on every Vert.x timer: the one histogram dashboards use is
        // configured below
        .setPrometheusOptions(
            new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false));
  }

  /** Installs the label bounds and the latency buckets; before any meter is registered. */
  static void bound(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                String name = id.getName().replace('.', '_');
                if (!name.startsWith(HTTP)) {
                  return id;
                }
                boolean counter = name.equals(REQUESTS);
                List<Tag> tags = new ArrayList<>();
                for (Tag t : id.getTagsAsIterable()) {
                  switch (t.getKey()) {
                    case "method" -> {
                      if (counter || !name.startsWith("vertx_http_server")) {
                        tags.add(Tag.of("method", method(t.getValue())));
                      }
                    }
                    case "code" -> {
                      if (!name.equals(LATENCY)) {
                        tags.add(Tag.of("code", code(t.getValue())));
                      }
                    }
                    case "route" ->
                        tags.add(
                            Tag.of(
                                "route",
                                t.getValue() == null || t.getValue().isEmpty()
                                    ? "unmatched"
                                    : t.getValue()));
                    default -> tags.add(t);
                  }
                }
                return id.replaceTags(tags);
              }

              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().replace('.', '_').equals(LATENCY)) {
                  return config;
                }
                double[] slos = new double[LATENCY_BUCKETS.length];
                for (int i = 0; i < slos.length; i++) {
                  slos[i] = LATENCY_BUCKETS[i].toNanos();
                }
                return DistributionStatisticConfig.builder()
                    .percentilesHistogram(false)
                    .serviceLevelObjectives(slos)
                    .build()
                    .merge(config);
              }
            });
  }

  static String method(String method) {
    return METHODS.contains(method) ? method : "other";
  }

  static String code(String code) {
    if (CODES.contains(code)) {
      return code;
    }
    return code != null && code.length() == 3 && code.charAt(0) >= '1' && code.charAt(0) <= '5'
        ? code.charAt(0) + "xx"
        : "other";
  }
}
