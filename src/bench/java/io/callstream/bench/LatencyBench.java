package io.callstream.bench;

import io.callstream.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * latency_*: {@code subscribers} sockets on one node, socket i subscribed to call i mod calls;
 * signed turns posted to a (possibly other) node at a fixed rate (open loop, paced every
 * millisecond), round robin over the calls. For every frame of a measured event: its arrival minus
 * the arrival of that webhook's 200 (a frame that wins the race against the 200 counts as 0), and
 * minus the webhook's send time.
 */
final class LatencyBench {
  record Result(
      Histogram okToFrame,
      Histogram sendToFrame,
      Histogram webhook,
      long events,
      long framesExpected,
      long framesReceived,
      long framesBefore200,
      long errors) {
    /**
     * Puts {@code <name>_p50_ms} etc. and the ratios to the round-trip baseline {@code
     * <rtt>_p50_ms}.
     */
    void report(Summary summary, String name, String rtt) {
      System.out.println("  200 -> frame " + Lat.describe(okToFrame));
      System.out.println("  send -> frame " + Lat.describe(sendToFrame));
      System.out.println("  webhook " + Lat.describe(webhook));
      summary.put(name + "_p50_ms", Lat.ms(okToFrame, 50));
      summary.put(name + "_p99_ms", Lat.ms(okToFrame, 99));
      summary.ratio(name + "_p50_ratio", name + "_p50_ms", rtt + "_p50_ms");
      summary.ratio(name + "_p99_ratio", name + "_p99_ms", rtt + "_p99_ms");
      summary.put(name + "_send_to_frame_p50_ms", Lat.ms(sendToFrame, 50));
      summary.put(name + "_send_to_frame_p99_ms", Lat.ms(sendToFrame, 99));
      summary.put(name + "_webhook_p99_ms", Lat.ms(webhook, 99));
      summary.put(
          name + "_frames_before_200_pct", 100.0 * framesBefore200 / Math.max(1, framesReceived));
      summary.put(name + "_frames_lost", framesExpected - framesReceived);
      summary.put(name + "_errors", errors);
    }
  }

  private static final int MAX_IN_FLIGHT = 256;

  private LatencyBench() {}

  static Result run(
      Vertx vertx,
      Turns turns,
      SocketFleet fleet,
      int socketPort,
      String token,
      List<String> sids,
      int subscribers,
      int rate,
      int warmupSeconds,
      int seconds,
      long base)
      throws Exception {
    int total = rate * (warmupSeconds + seconds);
    int warmupEvents = rate * warmupSeconds;
    int perCall = (subscribers + sids.size() - 1) / sids.size();
    long[] sendAt = new long[total];
    long[] okAt = new long[total];
    long[] frameId = new long[total * perCall + subscribers];
    long[] frameAt = new long[frameId.length];
    AtomicInteger frames = new AtomicInteger();
    AtomicInteger stored = new AtomicInteger();
    fleet.open(
        socketPort,
        "/ws/calls/transcriptions?token=" + token,
        0,
        subscribers,
        i -> "{\"subscribe\":\"" + sids.get(i % sids.size()) + "\"}",
        (socket, text, nanos) -> {
          long id = Turns.idOf(text);
          if (id >= base && id < base + total) {
            int at = frames.getAndIncrement();
            if (at < frameId.length) {
              frameId[at] = id;
              frameAt[at] = nanos;
            }
            stored.incrementAndGet();
          }
        },
        120);
    Histogram webhook = Lat.histogram();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(1);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(
        v ->
            new Object() {
              final long start = System.nanoTime();
              int sent;
              int inFlight;
              int answered;

              void tick() {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
                while (sent < due && inFlight < MAX_IN_FLIGHT) {
                  int index = sent++;
                  inFlight++;
                  sendAt[index] = System.nanoTime();
                  turns
                      .post(sids.get(index % sids.size()), base + index)
                      .onComplete(
                          ar -> {
                            long now = System.nanoTime();
                            inFlight--;
                            answered++;
                            if (ar.succeeded() && ar.result() == 200) {
                              okAt[index] = now;
                              if (index >= warmupEvents) {
                                Lat.record(webhook, now - sendAt[index]);
                              }
                            } else {
                              errors.incrementAndGet();
                            }
                            if (answered == total) {
                              finished.countDown();
                            }
                          });
                }
                if (sent < total) {
                  vertx.setTimer(1, t -> tick());
                }
              }
            }.tick());
    if (!finished.await(warmupSeconds + seconds + 60L, TimeUnit.SECONDS)) {
      throw new IllegalStateException("latency run: webhooks still unanswered");
    }
    long expectedFrames = 0;
    for (int i = warmupEvents; i < total; i++) {
      if (okAt[i] != 0) {
        expectedFrames += subscribersOf(i % sids.size(), sids.size(), subscribers);
      }
    }
    awaitFrames(stored, framesFor(okAt, sids.size(), subscribers), 5);
    int received = Math.min(frames.get(), frameId.length);
    Histogram okToFrame = Lat.histogram();
    Histogram sendToFrame = Lat.histogram();
    long measured = 0;
    long before200 = 0;
    for (int f = 0; f < received; f++) {
      if (frameId[f] == 0) {
        continue; // a slot still being written when the wait ended
      }
      int index = (int) (frameId[f] - base);
      if (index >= warmupEvents && okAt[index] != 0) {
        measured++;
        if (frameAt[f] < okAt[index]) {
          before200++;
        }
        Lat.record(okToFrame, frameAt[f] - okAt[index]);
        Lat.record(sendToFrame, frameAt[f] - sendAt[index]);
      }
    }
    fleet.closeAll(30);
    return new Result(
        okToFrame,
        sendToFrame,
        webhook,
        total - warmupEvents,
        expectedFrames,
        measured,
        before200,
        errors.get());
  }

  private static long framesFor(long[] okAt, int calls, int subscribers) {
    long n = 0;
    for (int i = 0; i < okAt.length; i++) {
      if (okAt[i] != 0) {
        n += subscribersOf(i % calls, calls, subscribers);
      }
    }
    return n;
  }

  /** How many of the sockets (socket i subscribed to call i mod calls) watch call c. */
  static int subscribersOf(int call, int calls, int subscribers) {
    return subscribers / calls + (call < subscribers % calls ? 1 : 0);
  }

  /** Waits (bounded) until the frames of every answered event have arrived. */
  static void awaitFrames(AtomicInteger frames, long expected, int seconds) {
    Await.within(Duration.ofSeconds(seconds), () -> frames.get() >= expected);
  }
}
