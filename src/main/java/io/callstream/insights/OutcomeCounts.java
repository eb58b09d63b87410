package io.callstream.insights;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;

/** Calls counted by {@link Outcome}; every outcome is present (zero when none). */
public final class OutcomeCounts {
  private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);

  public OutcomeCounts() {
    for (Outcome o : Outcome.values()) {
      counts.put(o, 0L);
    }
  }

  void add(Outcome outcome, long calls) {
    counts.merge(outcome, calls, Long::sum);
  }

  void addAll(OutcomeCounts other) {
    other.counts.forEach(this::add);
  }

  public long get(Outcome outcome) {
    return counts.get(outcome);
  }

  public long calls() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Calls that have ended (every outcome but active). */
  public long ended() {
    return calls() - get(Outcome.ACTIVE);
  }

  /** Successful calls among the ended ones, to 4 decimals; null when none has ended. */
  public Double successRate() {
    long ended = ended();
    return ended == 0 ? null : Math.round(get(Outcome.SUCCESSFUL) * 10000.0 / ended) / 10000.0;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    counts.forEach((o, n) -> json.put(o.key(), n));
    return json;
  }
}
