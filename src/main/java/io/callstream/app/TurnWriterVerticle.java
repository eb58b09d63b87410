package io.callstream.app;

import io.callstream.call.LiveTurnWriter;
import io.callstream.call.NodeTurnWriter;
import io.callstream.config.Config;
import io.callstream.db.Database;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Hosts the node's one live-turn writer on an event loop of its own; deployed once per node, before the HTTP verticles. */
final class TurnWriterVerticle extends VerticleBase {
  private final Config.Database database;
  private final NodeTurnWriter turns;
  private Pool pool;

  TurnWriterVerticle(Config.Database database, NodeTurnWriter turns) {
    this.database = database;
    this.turns = turns;
  }

  @Override
  public Future<?> start() {
    pool = Database.createWriterPool(vertx, database, LiveTurnWriter.DEFAULT_MAX_IN_FLIGHT);
    turns.bind(context, new LiveTurnWriter(pool));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
