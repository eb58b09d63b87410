package io.callstream.db;

import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's one reactive PostgreSQL pool, shared by every verticle instance, bound to DB_SCHEMA.
 */
public final class Database {
  private Database() {}

  /**
   * How every connection of the node reaches PostgreSQL (address, credentials, schema, TLS), named
   * for pg_stat_activity.
   */
  public static PgConnectOptions connectOptions(Config.Database db, String applicationName) {
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(db.host())
            .setPort(db.port())
            .setDatabase(db.database())
            .setUser(db.user())
            .setPassword(db.password())
            .setCachePreparedStatements(true)
            // the default (2,048 characters) left the live-turn batch statement out of the cache:
            // it was parsed and
            // planned again on every execution, 45% of PostgreSQL's CPU under ingest
            .setPreparedStatementCacheSqlLimit(16_384)
            .setPipeliningLimit(256)
            .setProperties(sessionSettings(db, applicationName));
    PgTls.apply(connect, db.tls());
    return connect;
  }

  /**
   * The session settings every connection starts with (sent in the start-up packet, so no extra
   * round trip): the schema, the name shown in pg_stat_activity, and the bounds on a statement, on
   * waiting for a lock and on a transaction left idle (DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS,
   * DB_IDLE_IN_TRANSACTION_TIMEOUT_MS): a statement PostgreSQL cannot finish in time fails
   * (SQLSTATE 57014 or 55P03) instead of holding its caller.
   */
  public static Map<String, String> sessionSettings(Config.Database db, String applicationName) {
    Map<String, String> settings = new HashMap<>();
    settings.put("search_path", db.schema());
    settings.put("application_name", applicationName);
    settings.put("statement_timeout", Integer.toString(db.statementTimeoutMs()));
    settings.put("lock_timeout", Integer.toString(db.lockTimeoutMs()));
    settings.put(
        "idle_in_transaction_session_timeout", Integer.toString(db.idleInTransactionTimeoutMs()));
    return settings;
  }

  public static Pool createPool(Vertx vertx, Config.Database db) {
    PgConnectOptions connect = connectOptions(db, "callstream");
    PoolOptions pool =
        new PoolOptions()
            .setName("callstream-db")
            .setMaxSize(db.poolSize())
            .setShared(false)
            .setMaxWaitQueueSize(4096)
            .setConnectionTimeout(5)
            .setIdleTimeout(300);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  /**
   * The live-turn writer's own pool: one connection per batch in flight, with generic plans. The
   * batch statement takes arrays whose length varies, and PostgreSQL would otherwise re-plan it on
   * every execution (1.5 ms, more than executing it); the node's shared pool keeps custom plans,
   * which its optional-filter queries need.
   *
   * <p>A generic plan is made once, from the statistics of that moment, and kept. Made on a fresh
   * database (tables never analyzed, as right after the migrations) it scanned {@code calls} and
   * {@code transcriptions} whole on every batch, ever slower as they grew, until an autoanalyze
   * happened to invalidate it. {@code enable_seqscan=off} on this pool (which runs nothing but the
   * batch statement) makes the plan use the unique indexes whatever the statistics say: every
   * lookup in it is by key.
   */
  public static Pool createWriterPool(Vertx vertx, Config.Database db, int connections) {
    PgConnectOptions connect = connectOptions(db, "callstream-writer");
    Map<String, String> settings = sessionSettings(db, "callstream-writer");
    settings.put("plan_cache_mode", "force_generic_plan");
    settings.put("enable_seqscan", "off");
    connect.setProperties(settings);
    return PgBuilder.pool()
        .with(
            new PoolOptions()
                .setName("callstream-writer")
                .setMaxSize(connections)
                .setShared(false)
                .setMaxWaitQueueSize(4096)
                .setConnectionTimeout(5)
                .setIdleTimeout(300))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /** One round trip; fails when the database does not answer. */
  public static Future<Void> ping(Pool pool) {
    return pool.query("SELECT 1").execute().mapEmpty();
  }
}
