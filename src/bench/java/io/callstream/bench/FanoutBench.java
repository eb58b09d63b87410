package io.callstream.bench;

import io.callstream.events.TranscriptionEvent;
import io.callstream.support.Await;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * fanout_15k: sockets spread evenly over the given server ports, all subscribed to one call; then,
 * one at a time, an event is triggered and every socket's frame is timed from the trigger (the
 * webhook's send, or the bare broadcast request). The next event starts once every socket has its
 * frame (or after 15 s).
 */
final class FanoutBench {
  record Result(
      Histogram perSocket, Histogram lastSocket, Histogram trigger, long expected, long received) {}

  static final int WARMUP_EVENTS = 2;

  private FanoutBench() {}

  /** The frame callstream sends for turn {@code id} of the fan-out call (for the bare baseline). */
  static String frame(String callSid, long id) {
    return new TranscriptionEvent(
            1,
            callSid,
            null,
            id,
            (int) (id % 1_000_000),
            "agent",
            Turns.MARK + id + " " + Turns.MESSAGE,
            Instant.now())
        .toFrame()
        .encode();
  }

  static Result run(
      SocketFleet fleet,
      List<Integer> ports,
      String uri,
      String subscribe,
      int sockets,
      int events,
      LongFunction<Future<?>> trigger,
      long base)
      throws Exception {
    long[] lastId = new long[sockets];
    long[] lastAt = new long[sockets];
    AtomicInteger received = new AtomicInteger();
    int perPort = sockets / ports.size();
    for (int p = 0; p < ports.size(); p++) {
      int count = p == ports.size() - 1 ? sockets - perPort * p : perPort;
      fleet.open(
          ports.get(p),
          uri,
          perPort * p,
          count,
          i -> subscribe,
          (socket, text, nanos) -> {
            long id = Turns.idOf(text);
            if (id >= base) {
              lastAt[socket] = nanos;
              lastId[socket] = id;
              received.incrementAndGet();
            }
          },
          300);
    }
    Histogram perSocket = Lat.histogram();
    Histogram lastSocket = Lat.histogram();
    Histogram triggerTime = Lat.histogram();
    long got = 0;
    for (int e = -WARMUP_EVENTS;
        e < events;
        e++) { // the first events warm up the JIT and are not counted
      long id = base + WARMUP_EVENTS + e;
      received.set(0);
      Thread.sleep(300); // spacing between events, so that each fan-out starts from quiet sockets
      long t0 = System.nanoTime();
      boolean measured = e >= 0;
      trigger
          .apply(id)
          .onSuccess(
              v -> {
                if (measured) {
                  Lat.record(triggerTime, System.nanoTime() - t0);
                }
              });
      Await.within(
          Duration.ofSeconds(15), () -> received.get() >= sockets); // after 15 s: counted as lost
      if (e < 0) {
        continue;
      }
      long last = 0;
      for (int s = 0; s < sockets; s++) {
        if (lastId[s] == id) {
          got++;
          Lat.record(perSocket, lastAt[s] - t0);
          last = Math.max(last, lastAt[s] - t0);
        }
      }
      Lat.record(lastSocket, last);
    }
    fleet.closeAll(60);
    return new Result(perSocket, lastSocket, triggerTime, (long) sockets * events, got);
  }
}
