package io.callstream.app;

import io.callstream.call.LiveTurnWriter;
import io.callstream.call.NodeTurnWriter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Hosts the node's one live-turn writer on an event loop of its own; deployed once per node, before the HTTP verticles. */
final class TurnWriterVerticle extends VerticleBase {
  private final Pool pool;
  private final NodeTurnWriter turns;

  TurnWriterVerticle(Pool pool, NodeTurnWriter turns) {
    this.pool = pool;
    this.turns = turns;
  }

  @Override
  public Future<?> start() {
    turns.bind(context, new LiveTurnWriter(pool));
    return Future.succeededFuture();
  }
}
