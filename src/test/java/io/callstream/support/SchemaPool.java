package io.callstream.support;

import io.callstream.db.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * A fresh migrated schema with a Vert.x and a node pool on it, for tests of one repository or
 * writer.
 */
public record SchemaPool(String schema, Vertx vertx, Pool pool) implements AutoCloseable {
  public static SchemaPool open(String name) {
    String schema = TestDatabase.freshSchema(name);
    Vertx vertx = Vertx.vertx();
    return new SchemaPool(schema, vertx, Database.createPool(vertx, TestDatabase.database(schema)));
  }

  @Override
  public void close() {
    Await.result(pool.close());
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }
}
