package io.callstream.bench;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The stall check (issue 21): live turns at a fixed rate (open loop: a late answer does not delay
 * the next send, so a stall shows as many late answers, not as a lower rate), alternating between
 * the two nodes, over a few calls shared by both, for long enough that the transcript search
 * index's pending list would pass its 4 MB limit several times (about 15,000 turns each). A stall
 * is many webhooks answered late together; the check fails when the p99.9 of the answers passes
 * {@link #P999_LIMIT_MS}. The index already holds 200,000 turns (seeded). Measured here with the
 * merges left to the inserts (BENCH_NODE_SEARCH_INDEX_FLUSH_MS=0): p99.9 178 ms, 170 webhooks over
 * 100 ms, FAIL; with the background merge (SearchIndexUpkeep): p99.9 52 ms, none over 100 ms.
 */
final class StallBench {
  static final double P999_LIMIT_MS = 150;

  record Result(Histogram latency, long ok, long errors, long over100ms) {
    boolean passed() {
      return errors == 0 && ok > 0 && Lat.ms(latency, 99.9) <= P999_LIMIT_MS;
    }
  }

  private StallBench() {}

  /**
   * A turn with words of its own besides the usual ones (names, plates, places: a transcript's
   * vocabulary keeps growing), so the index keeps gaining keys as it does in production.
   */
  static String message(long id) {
    long h = id * 0x9E3779B97F4A7C15L;
    StringBuilder sb = new StringBuilder(160);
    for (int i = 0; i < 4; i++) {
      sb.append('w')
          .append(Long.toString((h >>> (i * 16)) & 0xFFFF, 36))
          .append(id % 997)
          .append(' ');
    }
    return sb.append(Turns.MESSAGE).toString();
  }

  static Result run(
      Vertx vertx,
      List<Turns> nodes,
      List<String> callSids,
      int rate,
      int warmupSeconds,
      int seconds)
      throws InterruptedException {
    Histogram latency = Lat.histogram();
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong slow = new AtomicLong();
    AtomicLong ids = new AtomicLong(5_000_000_000L);
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long total = (long) rate * (warmupSeconds + seconds);
    AtomicLong sent = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    // every 10 ms, the turns due by now (a late tick catches up; no coordinated omission)
    vertx.setPeriodic(
        10,
        timer -> {
          long now = System.nanoTime();
          long due = Math.min(total, (now - start) * rate / 1_000_000_000L);
          while (sent.get() < due) {
            long n = sent.getAndIncrement();
            long id = ids.getAndIncrement();
            long at = System.nanoTime();
            nodes
                .get((int) (n % nodes.size()))
                .post(callSids.get((int) (n % callSids.size())), id, message(id))
                .onComplete(
                    ar -> {
                      long took = System.nanoTime() - at;
                      if (at >= measureFrom) {
                        if (ar.succeeded() && ar.result() == 200) {
                          ok.incrementAndGet();
                          if (took > 100_000_000L) {
                            slow.incrementAndGet();
                          }
                          synchronized (latency) {
                            Lat.record(latency, took);
                          }
                        } else {
                          errors.incrementAndGet();
                        }
                      }
                      if (answered.incrementAndGet() == total) {
                        done.countDown();
                      }
                    });
          }
          if (sent.get() >= total) {
            vertx.cancelTimer(timer);
          }
        });
    if (!done.await(warmupSeconds + seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "stall check: " + (total - answered.get()) + " webhooks never answered");
    }
    return new Result(latency, ok.get(), errors.get(), slow.get());
  }
}
