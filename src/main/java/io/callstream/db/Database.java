package io.callstream.db;

import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;

/** The node's one reactive PostgreSQL pool, shared by every verticle instance, bound to DB_SCHEMA. */
public final class Database {
  private Database() {}

  public static Pool createPool(Vertx vertx, Config.Database db) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256)
        .setProperties(Map.of("search_path", db.schema(), "application_name", "callstream",
            // one plan per prepared statement: the live-turn batch takes arrays whose length varies, and PostgreSQL would
            // otherwise re-plan it on every execution (1.5 ms, more than executing it)
            "plan_cache_mode", "force_generic_plan"));
    PgTls.apply(connect, db.tls());
    PoolOptions pool = new PoolOptions()
        .setName("callstream-db")
        .setMaxSize(db.poolSize())
        .setShared(false)
        .setMaxWaitQueueSize(4096)
        .setConnectionTimeout(5)
        .setIdleTimeout(300);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /** One round trip; fails when the database does not answer. */
  public static Future<Void> ping(Pool pool) {
    return pool.query("SELECT 1").execute().mapEmpty();
  }
}
