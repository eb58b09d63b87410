package io.callstream.call;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@link LiveTurnWriter} for the whole node, shared by every verticle instance: the turns of
 * all instances form one batch, so a busy node writes bigger batches (a batch statement costs about
 * 0.5 ms of PostgreSQL CPU whatever its size, each row about 0.03 ms more).
 *
 * <p>The writer lives on the event loop of one HTTP verticle instance, the host (the first instance
 * to {@link #claimHost claim} it), with its own connection on that loop. The host's webhooks call
 * it directly: no thread hop at all, which is the whole path with the default of one instance per
 * two cores. Other instances' writes hop to the host's event loop and their answers hop back, so
 * both sides stay confined to their own thread (each hop is a wake-up of another thread: measured,
 * it cost a 2-core node 7-10% of its ingest rate).
 */
public final class NodeTurnWriter {
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final Promise<Void> bound = Promise.promise();
  private volatile Context home;
  private volatile LiveTurnWriter writer;

  /**
   * The bound writer's counters (all zero before it is bound); for the metrics registry, from any
   * thread.
   */
  public LiveTurnWriter.Stats stats() {
    LiveTurnWriter w = writer;
    return w == null ? new LiveTurnWriter.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0) : w.stats();
  }

  /**
   * True for exactly one caller: that verticle instance hosts the writer and must {@link #bind} it.
   */
  public boolean claimHost() {
    return claimed.compareAndSet(false, true);
  }

  /** Called once, on the host's event loop. */
  public void bind(Context home, LiveTurnWriter writer) {
    this.writer = writer;
    this.home = home;
    bound.tryComplete();
  }

  public Future<LiveTurnResult> write(LiveTurn request) {
    return write(request, 0);
  }

  /** See {@link LiveTurnWriter#write(LiveTurn, long)}. */
  public Future<LiveTurnResult> write(LiveTurn request, long deadlineNanos) {
    Context home = this.home;
    Context caller = Vertx.currentContext();
    if (home == null) {
      // another instance took a webhook while the host was still starting: write once it is bound,
      // from here
      Promise<LiveTurnResult> answer = Promise.promise();
      bound
          .future()
          .onComplete(
              v -> {
                if (caller == null) {
                  write(request, deadlineNanos).onComplete(answer);
                } else {
                  caller.runOnContext(x -> write(request, deadlineNanos).onComplete(answer));
                }
              });
      return answer.future();
    }
    if (caller == home) {
      return writer.write(request, deadlineNanos);
    }
    Promise<LiveTurnResult> answer = Promise.promise();
    home.runOnContext(
        v ->
            writer
                .write(request, deadlineNanos)
                .onComplete(
                    ar -> {
                      if (caller == null) {
                        answer.handle(ar);
                      } else {
                        caller.runOnContext(x -> answer.handle(ar));
                      }
                    }));
    return answer.future();
  }
}
