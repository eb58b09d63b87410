package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.SchemaPool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A word search is answered from the full-text indexes of migration V10 (transcriptions_search_idx,
 * calls_summary_search_idx), both for the values of one request and as the generic plan a cached
 * prepared statement may switch to, on 3,000 calls with 30,000 turns: no sequential scan of
 * transcriptions. Fails when the query's expressions drift from the indexes' (another
 * configuration, a missing coalesce).
 */
class CallSearchPlanTest {
  static SchemaPool db;

  @BeforeAll
  static void setUp() {
    db = SchemaPool.open("searchplan");
    run(
        "INSERT INTO calls (call_sid, status, transcript_summary) SELECT 'EL_P_' || g, 'completed', "
            + "'summary ' || md5(g::text) FROM generate_series(1, 3000) g");
    run(
        "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, source, dedupe_key) "
            + "SELECT c.id, s, 'user', 'turn ' || s || ' about word' || ((c.id * 10 + s) % 997), 'live', 'k' || s "
            + "FROM calls c, generate_series(1, 10) s");
    run("ANALYZE calls");
    run("ANALYZE transcriptions");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  static RowSet<Row> run(String sql) {
    return Await.result(db.pool().query(sql).execute());
  }

  static String plan(RowSet<Row> rows) {
    return StreamSupport.stream(rows.spliterator(), false)
        .map(r -> r.getString(0))
        .collect(Collectors.joining("\n"));
  }

  static final CallSearch.Filter WORDS =
      new CallSearch.Filter(null, null, null, null, null, null, null, null, "word7");

  @Test
  void theSearchFindsItsCallsThroughTheIndexes() {
    CallSearch.Statement s = CallSearch.statement(WORDS, null, 50);
    String plan =
        plan(
            Await.result(
                db.pool().preparedQuery("EXPLAIN (COSTS OFF) " + s.sql()).execute(s.params())));
    assertTrue(plan.contains("transcriptions_search_idx"), plan);
    assertTrue(plan.contains("calls_summary_search_idx"), plan);
    assertFalse(plan.contains("Seq Scan on transcriptions"), plan);
    // and it finds exactly the calls with a turn that ends in word7
    assertEquals(
        Await.result(
                db.pool()
                    .query(
                        "SELECT count(DISTINCT call_id) FROM transcriptions WHERE message_text LIKE '%word7'")
                    .execute())
            .iterator()
            .next()
            .getLong(0)
            .intValue(),
        Await.result(new CallSearch().search(db.pool(), WORDS, null, 500)).size());
  }

  @Test
  void theGenericPlanUsesTheIndexesToo() {
    CallSearch.Statement s = CallSearch.statement(WORDS, null, 50);
    String plan =
        plan(
            Await.result(
                db.pool()
                    .withConnection(
                        c ->
                            c.query("SET plan_cache_mode = force_generic_plan")
                                .execute()
                                .compose(
                                    v ->
                                        c.query("PREPARE words(text, int) AS " + s.sql()).execute())
                                .compose(
                                    v ->
                                        c.query("EXPLAIN (COSTS OFF) EXECUTE words('word7', 50)")
                                            .execute())
                                .eventually(() -> c.query("DEALLOCATE ALL").execute()))));
    assertTrue(plan.contains("transcriptions_search_idx"), plan);
    assertTrue(plan.contains("calls_summary_search_idx"), plan);
    assertFalse(plan.contains("Seq Scan on transcriptions"), plan);
  }
}
