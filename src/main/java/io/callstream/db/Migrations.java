package io.callstream.db;

import io.callstream.config.Config;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway over JDBC: blocking, so it runs at start-up before any verticle is deployed (or inside
 * executeBlocking). Scripts are the top-level {@code migrations/} folder, packaged as {@code db/migration}.
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(Config.Database db) {
    Flyway flyway = Flyway.configure()
        .dataSource(db.jdbcUrl() + "&connectTimeout=5&ApplicationName=callstream-migrate", db.user(), db.password())
        .schemas(db.schema())
        .defaultSchema(db.schema())
        .createSchemas(true)
        .locations("classpath:db/migration")
        .connectRetries(0)
        .load();
    return flyway.migrate();
  }
}
