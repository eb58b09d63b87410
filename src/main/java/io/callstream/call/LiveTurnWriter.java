package io.callstream.call;

import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Stores live turns with natural batching: when no batch is in flight a turn is written at once (an
 * idle node adds no latency); turns arriving while batches are in flight queue up and leave
 * together, in arrival order, as the next batch, one statement (see {@link
 * TranscriptRepository#insertLive}). No timer: the batch size follows the load.
 *
 * <p>Confined to one event loop: all its state is touched only there, so it needs no locks. {@link
 * #write} must be called on that event loop (checked); the pool's answers arrive there too. A node
 * runs one, hosted by an HTTP verticle instance (see {@link NodeTurnWriter}).
 *
 * <p>{@code maxInFlight} trades ordering and row-lock contention against parallelism: with 1 (the
 * default), the turns it received are numbered strictly in their arrival order, and it runs at most
 * one ingest statement at a time; with more, batches may commit in any order, so two turns of one
 * call that arrived close together may be numbered in either order (as with one statement per
 * turn), and batches touching the same call wait for each other's row lock. See README.md.
 */
public final class LiveTurnWriter {
  public static final int DEFAULT_MAX_IN_FLIGHT = 1;
  public static final int DEFAULT_MAX_BATCH = 256;
  public static final int DEFAULT_MAX_QUEUE = 10_000;
  public static final long DEFAULT_MAX_QUEUE_BYTES = 64L << 20;

  /**
   * What a queued turn costs besides its text (the request, the promise, the deque slot), for the
   * byte bound.
   */
  static final int OVERHEAD_BYTES = 256;

  /**
   * Counters since creation: statements run (first attempts), turns written, batches re-run,
   * batches split; turns refused because the queue was full, turns dropped from the queue because
   * their deadline passed; the queue now (turns, estimated bytes) and the most turns it ever held.
   */
  public record Stats(
      long batches,
      long turns,
      long retries,
      long isolated,
      long rejected,
      long expired,
      int queued,
      long queuedBytes,
      int peakQueued) {}

  private record Pending(
      LiveTurn request, Promise<LiveTurnResult> promise, long deadlineNanos, int bytes) {}

  private final LiveTurnStatements statements;
  private final int maxInFlight;
  private final int maxBatch;
  private final int maxQueue;
  private final long maxQueueBytes;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private Thread owner;
  private int inFlight;
  private long batches;
  private long turns;
  // read by the metrics registry from other threads
  private volatile long rejected;
  private volatile long expired;
  private volatile int queued;
  private volatile long queuedBytes;
  private volatile int peakQueued;

  public LiveTurnWriter(Pool pool) {
    this(pool, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_BATCH);
  }

  public LiveTurnWriter(Pool pool, int maxInFlight, int maxBatch) {
    this(pool, maxInFlight, maxBatch, DEFAULT_MAX_QUEUE, DEFAULT_MAX_QUEUE_BYTES);
  }

  /**
   * {@code maxQueue} turns or {@code maxQueueBytes} (estimated: two bytes per character plus {@link
   * #OVERHEAD_BYTES}) waiting for their statement, whichever comes first: beyond that a write is
   * refused at once (WRITER_MAX_QUEUE, WRITER_MAX_QUEUE_BYTES), so a stalled database cannot make
   * the queue grow without limit.
   */
  public LiveTurnWriter(
      Pool pool, int maxInFlight, int maxBatch, int maxQueue, long maxQueueBytes) {
    if (maxInFlight < 1 || maxBatch < 1 || maxQueue < 1 || maxQueueBytes < 1) {
      throw new IllegalArgumentException(
          "maxInFlight, maxBatch, maxQueue and maxQueueBytes must be at least 1");
    }
    this.statements = new LiveTurnStatements(pool);
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
    this.maxQueue = maxQueue;
    this.maxQueueBytes = maxQueueBytes;
  }

  /**
   * Stores one turn; the future completes after the statement holding it has committed, with the
   * stored row or a refusal. It fails with the database error when the turn could not be stored:
   * SQLSTATE class 22/23 errors belong to this turn alone (the batch is re-run turn by turn to find
   * it), any other error to its whole batch.
   */
  public Future<LiveTurnResult> write(LiveTurn request) {
    return write(request, 0);
  }

  /**
   * As {@link #write(LiveTurn)}, refused at once with a {@link Failure.Kind#UNAVAILABLE} failure
   * when the queue is full, and dropped from the queue (failing the same way, never stored) if its
   * statement has not started by {@code deadlineNanos} ({@link System#nanoTime}; 0: none). A turn
   * whose statement started before its deadline may still commit after it: its caller has given up,
   * and a redelivery finds it stored (a duplicate).
   */
  public Future<LiveTurnResult> write(LiveTurn request, long deadlineNanos) {
    checkThread();
    int bytes = OVERHEAD_BYTES + 2 * (request.message().length() + request.dedupeKey().length());
    if (queue.size() >= maxQueue || queuedBytes + bytes > maxQueueBytes) {
      rejected++;
      return Future.failedFuture(
          Failure.unavailable(
              "live-turn queue full ("
                  + queue.size()
                  + " turns waiting "
                  + "for the database); retry later"));
    }
    Promise<LiveTurnResult> promise = Promise.promise();
    queue.add(new Pending(request, promise, deadlineNanos, bytes));
    queuedBytes += bytes;
    queued = queue.size();
    if (queued > peakQueued) {
      peakQueued = queued;
    }
    drain();
    return promise.future();
  }

  /**
   * Called on the writer's event loop with each statement's turns and results, in commit order,
   * once it committed and before any of its writers hears of it: where the node publishes the
   * stored turns (one event-bus message per statement). Set before the first write.
   */
  public LiveTurnWriter onCommitted(BiConsumer<List<LiveTurn>, List<LiveTurnResult>> listener) {
    statements.onCommitted(listener);
    return this;
  }

  public Stats stats() {
    return new Stats(
        batches,
        turns,
        statements.retries(),
        statements.isolated(),
        rejected,
        expired,
        queued,
        queuedBytes,
        peakQueued);
  }

  private Pending take() {
    Pending p = queue.poll();
    queuedBytes -= p.bytes();
    queued = queue.size();
    return p;
  }

  private void checkThread() {
    Thread current = Thread.currentThread();
    if (owner == null) {
      owner = current;
    } else if (owner != current) {
      throw new IllegalStateException(
          "a LiveTurnWriter belongs to one event loop; reach it through NodeTurnWriter");
    }
  }

  private void drain() {
    while (inFlight < maxInFlight && !queue.isEmpty()) {
      List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
      long now = System.nanoTime();
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        Pending p = take();
        if (p.deadlineNanos() != 0 && now - p.deadlineNanos() >= 0) {
          expired++;
          p.promise()
              .tryFail(
                  Failure.unavailable(
                      "live turn not stored within the deadline (database slow or "
                          + "unavailable); retry later"));
        } else {
          batch.add(p);
        }
      }
      if (batch.isEmpty()) {
        continue;
      }
      inFlight++;
      batches++;
      turns += batch.size();
      statements
          .run(batch.stream().map(Pending::request).toList(), promises(batch))
          .onComplete(
              done -> {
                inFlight--;
                drain();
              });
    }
  }

  private static List<Promise<LiveTurnResult>> promises(List<Pending> batch) {
    List<Promise<LiveTurnResult>> promises = new ArrayList<>(batch.size());
    batch.forEach(p -> promises.add(p.promise()));
    return promises;
  }
}
