package io.callstream.demo;

import java.net.URI;
import java.util.Random;

/**
 * How the simulator plays its calls: the callstream base URL its webhooks go to (PUBLIC_BASE_URL,
 * or the node itself), the webhook secret it signs with (null: unsigned, for WEBHOOK_ALLOW_UNSIGNED
 * nodes), the pacing of turns, the share of calls that end as call_initiation_failure, and the
 * Random behind every choice (seed it for a repeatable demo).
 */
public record SimulatorSettings(
    URI target, String webhookSecret, Pacing pacing, int failurePercent, Random random) {
  public SimulatorSettings {
    if (failurePercent < 0 || failurePercent > 100) {
      throw new IllegalArgumentException("failurePercent must be 0-100, got " + failurePercent);
    }
  }
}
