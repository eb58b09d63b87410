package io.callstream.audio;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.logging.Logger;

/**
 * AUDIO_RETENTION_DAYS: deletes recordings older than that, {@link #BATCH} at a time until none is
 * left. Every node may run it at once: each batch takes its rows with SKIP LOCKED, so two nodes
 * never delete the same recording, and a recording deleted twice is still just gone. Counted in
 * {@code callstream_audio_expired_total}.
 */
public final class AudioRetention {
  private static final Logger LOG = Logger.getLogger(AudioRetention.class.getName());
  static final int BATCH = 100;

  private final AudioStore store;
  private final int days;
  private final Counter expired;

  public AudioRetention(AudioStore store, int days, MeterRegistry registry) {
    this.store = store;
    this.days = days;
    this.expired =
        Counter.builder("callstream_audio_expired_total")
            .description("Recordings deleted because they were older than AUDIO_RETENTION_DAYS")
            .register(registry);
  }

  /** One pass; returns how many recordings were deleted. A no-op when retention is off (0 days). */
  public Future<Integer> run() {
    if (days <= 0) {
      return Future.succeededFuture(0);
    }
    return batch(0)
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info(
                    "deleted "
                        + n
                        + " recordings older than "
                        + days
                        + " days (AUDIO_RETENTION_DAYS)");
              }
            });
  }

  private Future<Integer> batch(int sofar) {
    return store
        .expire(days, BATCH)
        .compose(
            n -> {
              expired.increment(n);
              return n < BATCH ? Future.succeededFuture(sofar + n) : batch(sofar + n);
            });
  }
}
