package io.callstream.call;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One {@link LiveTurnWriter} for the whole node, living on its own event loop, shared by every verticle instance:
 * the turns of all instances form one batch, so a busy node writes bigger batches (a batch statement costs about
 * 0.5 ms of PostgreSQL CPU whatever its size, each row about 0.03 ms more). A write hops to the writer's event loop
 * and its answer hops back to the caller's, so both sides stay confined to their own thread.
 */
public final class NodeTurnWriter {
  private volatile Context home;
  private volatile LiveTurnWriter writer;

  /** Called once, on the writer's own event loop (by the verticle that hosts it). */
  public void bind(Context home, LiveTurnWriter writer) {
    this.writer = writer;
    this.home = home;
  }

  public Future<LiveTurnResult> write(LiveTurnRequest request) {
    Context home = this.home;
    if (home == null) {
      return Future.failedFuture(new IllegalStateException("the node's turn writer is not started"));
    }
    Context caller = Vertx.currentContext();
    Promise<LiveTurnResult> answer = Promise.promise();
    home.runOnContext(v -> writer.write(request).onComplete(ar -> {
      if (caller == null) {
        answer.handle(ar);
      } else {
        caller.runOnContext(x -> answer.handle(ar));
      }
    }));
    return answer.future();
  }
}
