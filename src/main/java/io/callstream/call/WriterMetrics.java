package io.callstream.call;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The live-turn writer's queue, for operators and for the stall tests: {@code
 * callstream_live_writer_queue} (turns waiting now), {@code callstream_live_writer_queue_bytes},
 * {@code callstream_live_writer_queue_peak} (the most ever waiting: never above WRITER_MAX_QUEUE),
 * {@code callstream_live_writer_rejected_total} (refused with 503 because the queue was full) and
 * {@code callstream_live_writer_expired_total} (dropped unwritten at their deadline); {@code
 * callstream_live_writer_statements_total} and {@code callstream_live_writer_turns_total}: their
 * ratio is the mean batch (turns per statement, and per event-bus message with EVENT_BUS_BATCHES).
 */
public final class WriterMetrics {
  private WriterMetrics() {}

  public static void register(MeterRegistry registry, NodeTurnWriter writer) {
    Gauge.builder("callstream_live_writer_queue", writer, w -> w.stats().queued())
        .description("live turns waiting for their statement")
        .register(registry);
    Gauge.builder("callstream_live_writer_queue_bytes", writer, w -> w.stats().queuedBytes())
        .description("estimated bytes of the live turns waiting for their statement")
        .register(registry);
    Gauge.builder("callstream_live_writer_queue_peak", writer, w -> w.stats().peakQueued())
        .description("the most live turns ever waiting at once (bounded by WRITER_MAX_QUEUE)")
        .register(registry);
    FunctionCounter.builder("callstream_live_writer_rejected", writer, w -> w.stats().rejected())
        .description("live turns refused with 503 because the writer's queue was full")
        .register(registry);
    FunctionCounter.builder("callstream_live_writer_expired", writer, w -> w.stats().expired())
        .description("live turns dropped unwritten because their webhook's deadline passed")
        .register(registry);
    FunctionCounter.builder("callstream_live_writer_statements", writer, w -> w.stats().batches())
        .description("live-turn statements run (first attempts): each is one batch of turns")
        .register(registry);
    FunctionCounter.builder("callstream_live_writer_turns", writer, w -> w.stats().turns())
        .description("live turns that went into a statement")
        .register(registry);
  }
}
