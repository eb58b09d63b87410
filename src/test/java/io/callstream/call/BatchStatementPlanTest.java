package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.db.Database;
import io.callstream.support.Await;
import io.callstream.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live-turn batch statement as the writer's connection runs it: prepared once and kept (its
 * text fits the client's statement cache), and planned with every lookup by key even on a fresh,
 * never analyzed database, where a generic plan used to scan calls and transcriptions whole on
 * every batch (BENCHMARKS.md).
 */
class BatchStatementPlanTest {
  static String schema;
  static Vertx vertx;
  static Pool writerPool;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("batchplan");
    vertx = Vertx.vertx();
    writerPool = Database.createWriterPool(vertx, TestDatabase.database(schema), 1);
  }

  @AfterAll
  static void tearDown() {
    Await.result(writerPool.close());
    Await.result(vertx.close());
    TestDatabase.dropSchema(schema);
  }

  @Test
  void theStatementFitsTheClientsPreparedStatementCache() {
    assertTrue(
        Database.connectOptions(TestDatabase.database(schema), "test")
            .getPreparedStatementCacheSqlFilter()
            .test(LiveTurnSql.INSERT_BATCH),
        "the batch statement ("
            + LiveTurnSql.INSERT_BATCH.length()
            + " characters) must be cached: beyond the cache's limit PostgreSQL parses and plans it on every batch");
  }

  @Test
  void theGenericPlanOnAFreshDatabaseLooksEverythingUpByKey() {
    String plan =
        Await.result(
            writerPool.withConnection(
                c ->
                    c.query(
                            "INSERT INTO calls (call_sid, conversation_id, status) SELECT 'PLAN_' || g, 'PLANCONV_' || g, "
                                + "'in_progress' FROM generate_series(1, 1000) g")
                        .execute()
                        .compose(
                            v ->
                                c.query(
                                        "PREPARE batch(text[], text[], text[], text[], text[], timestamptz[]) AS "
                                            + LiveTurnSql.INSERT_BATCH)
                                    .execute())
                        .compose(
                            v ->
                                c.query(
                                        "EXPLAIN (COSTS OFF) EXECUTE batch(ARRAY['PLAN_1', 'PLAN_2'], "
                                            + "ARRAY['PLANCONV_1', 'PLANCONV_2'], ARRAY['k1', 'k2'], ARRAY['user', 'agent'], ARRAY['a', 'b'], "
                                            + "ARRAY[now(), now()])")
                                    .execute())
                        .map(
                            rows ->
                                StreamSupport.stream(rows.spliterator(), false)
                                    .map(r -> r.getString(0))
                                    .collect(Collectors.joining("\n")))));
    assertTrue(plan.contains("calls_pkey"), plan);
    assertTrue(plan.contains("transcriptions_call_id_dedupe_key_key"), plan);
    assertFalse(plan.contains("Seq Scan"), "no sequential scan in the writer's plan:\n" + plan);
  }

  /**
   * The one-turn statement on a fresh database: its redelivery lookup must use both columns of
   * (call_id, dedupe_key). Written as a join, its generic plan probed the index by dedupe_key alone
   * (a scan of the whole index per turn): PostgreSQL's CPU at 500 webhooks/s doubled.
   */
  @Test
  void theOneTurnStatementsGenericPlanProbesTheKeyWithBothColumns() {
    assertTrue(
        Database.connectOptions(TestDatabase.database(schema), "test")
            .getPreparedStatementCacheSqlFilter()
            .test(LiveTurnSql.INSERT_ONE));
    String plan =
        Await.result(
            writerPool.withConnection(
                c ->
                    c.query(
                            "INSERT INTO calls (call_sid, conversation_id, status) SELECT 'ONE_' || g, 'ONECONV_' || g, "
                                + "'in_progress' FROM generate_series(1, 1000) g")
                        .execute()
                        .compose(
                            v ->
                                c.query(
                                        "PREPARE one(text, text, text, text, text, timestamptz) AS "
                                            + LiveTurnSql.INSERT_ONE)
                                    .execute())
                        .compose(
                            v ->
                                c.query(
                                        "EXPLAIN (COSTS OFF) EXECUTE one('ONE_1', NULL, 'k1', 'user', 'a', now())")
                                    .execute())
                        .map(
                            rows ->
                                StreamSupport.stream(rows.spliterator(), false)
                                    .map(r -> r.getString(0))
                                    .collect(Collectors.joining("\n")))));
    assertTrue(
        plan.lines()
            .anyMatch(l -> l.contains("Index Cond: ((call_id = ") && l.contains("dedupe_key = ")),
        "the redelivery lookup uses both key columns:\n" + plan);
    assertTrue(plan.contains("calls_pkey"), plan);
    assertFalse(plan.contains("Seq Scan"), "no sequential scan in the writer's plan:\n" + plan);
  }
}
