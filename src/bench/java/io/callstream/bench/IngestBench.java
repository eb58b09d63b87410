package io.callstream.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * ingest_rps_c16: {@code senders} closed-loop senders (each waits for its answer before the next
 * turn), each turn a signed live transcript webhook for the next of the calls in turn, all to one
 * node. Counts the 200s completed inside the measured window after a warm-up; every other status is
 * an error.
 */
final class IngestBench {
  /** {@code serverCpuMs}: CPU time the measured processes used inside the measured window. */
  record Result(double rps, Histogram latency, long ok, long errors, double serverCpuMs) {}

  private IngestBench() {}

  static Result run(
      Vertx vertx,
      Turns turns,
      List<String> callSids,
      int senders,
      int warmupSeconds,
      int seconds,
      long... serverPids)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    long maxRequests = 50_000L * (warmupSeconds + seconds); // a bound far above this machine's rate
    Histogram latency = Lat.histogram();
    AtomicLong ids = new AtomicLong(1_000_000);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch stopped = new CountDownLatch(senders);
    double[] cpu = new double[2];
    vertx.setTimer(
        Math.max(1, TimeUnit.NANOSECONDS.toMillis(measureFrom - System.nanoTime())),
        t -> cpu[0] = cpuMillis(serverPids));
    vertx.setTimer(
        Math.max(1, TimeUnit.NANOSECONDS.toMillis(measureTo - System.nanoTime())),
        t -> cpu[1] = cpuMillis(serverPids));
    for (int s = 0; s < senders; s++) {
      Context context = vertx.getOrCreateContext();
      context.runOnContext(
          v ->
              new Object() {
                void next() {
                  long sent = System.nanoTime();
                  long id = ids.getAndIncrement();
                  if (sent >= measureTo || id - 1_000_000 >= maxRequests) {
                    stopped.countDown();
                    return;
                  }
                  turns
                      .post(callSids.get((int) (id % callSids.size())), id)
                      .onComplete(
                          ar -> {
                            long now = System.nanoTime();
                            if (now >= measureFrom && now <= measureTo) {
                              if (ar.succeeded() && ar.result() == 200) {
                                ok.incrementAndGet();
                                if (sent >= measureFrom) {
                                  synchronized (latency) {
                                    Lat.record(latency, now - sent);
                                  }
                                }
                              } else {
                                errors.incrementAndGet();
                              }
                            }
                            next();
                          });
                }
              }.next());
    }
    if (!stopped.await(warmupSeconds + seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException("ingest senders did not stop");
    }
    return new Result(
        ok.get() / (double) seconds, latency, ok.get(), errors.get(), cpu[1] - cpu[0]);
  }

  /**
   * User + system CPU of these processes so far, in ms (/proc/PID/stat fields 14 and 15, 100
   * ticks/s).
   */
  static double cpuMillis(long... pids) {
    double total = 0;
    for (long pid : pids) {
      try {
        String stat =
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
      } catch (java.io.IOException | RuntimeException e) {
        return Double.NaN;
      }
    }
    return total;
  }
}
