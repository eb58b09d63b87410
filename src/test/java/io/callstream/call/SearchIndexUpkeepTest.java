package io.callstream.call;

import static io.callstream.call.WriterLoop.insertCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.SchemaPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The background merge of the transcript search index's pending list (issue 21's stall): stored
 * turns wait in the pending list until a pass merges them, a pass leaves it empty, the words stay
 * searchable, and the timer keeps doing it.
 */
class SearchIndexUpkeepTest {
  static final SchemaPool db = SchemaPool.open("searchupkeep");
  static final Vertx vertx = db.vertx();
  static final Pool pool = db.pool();

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static void storeTurns(String callSid, String word, int count) {
    List<LiveTurn> turns = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      turns.add(
          new LiveTurn(
              callSid,
              null,
              word + "-" + i,
              "user",
              "the " + word + " trailer number " + i + " reached the depot late",
              Instant.parse("2026-11-21T11:19:07Z")));
    }
    List<LiveTurnResult> results = Await.result(new TranscriptRepository().insertLive(pool, turns));
    assertTrue(results.stream().allMatch(r -> r instanceof LiveTurnResult.Stored));
  }

  private static long matches(String word) {
    return Await.result(
            pool.preparedQuery(
                    "SELECT count(*) FROM transcriptions WHERE to_tsvector('english', message_text)"
                        + " @@ websearch_to_tsquery('english', $1)")
                .execute(Tuple.of(word)))
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void aPassMergesThePendingListAndTheTimerKeepsDoingIt() {
    insertCall(pool, "upkeep_call", null, Call.IN_PROGRESS);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SearchIndexUpkeep upkeep = new SearchIndexUpkeep(vertx, pool, 50, registry);
    Await.result(upkeep.flush()); // whatever earlier tests left

    storeTurns("upkeep_call", "refrigerated", 300);
    long merged = Await.result(upkeep.flush());
    assertTrue(merged > 0, "the stored turns' words waited in the pending list: " + merged);
    assertEquals(0L, Await.result(upkeep.flush()), "a pass leaves the pending list empty");
    assertEquals(300, matches("refrigerated"), "merged words are found by the search");
    double counted = registry.get("callstream_search_index_flushed_pages").counter().count();
    assertTrue(counted >= merged, "the merged pages are counted: " + counted);

    upkeep.start();
    try {
      storeTurns("upkeep_call", "flatbed", 300);
      Await.until(
          "the timer's pass merges the new turns' pending pages",
          () -> registry.get("callstream_search_index_flushed_pages").counter().count() > counted);
      assertEquals(300, matches("flatbed"));
    } finally {
      upkeep.stop();
    }
  }
}
