package io.callstream.call;

import static io.callstream.call.WriterLoop.awaitAll;
import static io.callstream.call.WriterLoop.awaitBlockedBy;
import static io.callstream.call.WriterLoop.insertCall;
import static io.callstream.call.WriterLoop.keysInOrder;
import static io.callstream.call.WriterLoop.sequences;
import static io.callstream.call.WriterLoop.stored;
import static io.callstream.call.WriterLoop.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.TranscriptRepository.StoredTurn;
import io.callstream.db.Database;
import io.callstream.support.Await;
import io.callstream.support.SchemaPool;
import io.callstream.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Batches racing other transactions and another node: retried whole, nobody lost, stored twice or
 * renumbered.
 */
class LiveTurnWriterRaceTest {
  static final SchemaPool db = SchemaPool.open("liveturnrace");
  static final Vertx vertx = db.vertx();
  static final Pool pool = db.pool();

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** A transaction of "another node", held open on its own connection. */
  record Other(SqlConnection connection, Transaction tx, int pid) {
    static Other begin() {
      SqlConnection c = Await.result(pool.getConnection());
      Transaction tx = Await.result(c.begin());
      int pid =
          Await.result(c.query("SELECT pg_backend_pid()").execute())
              .iterator()
              .next()
              .getInteger(0);
      return new Other(c, tx, pid);
    }

    Future<RowSet<io.vertx.sqlclient.Row>> run(String sql, Object... args) {
      return connection.preparedQuery(sql).execute(Tuple.from(args));
    }

    void end(boolean commit) {
      Await.result(commit ? tx.commit() : tx.rollback());
      Await.result(connection.close());
    }
  }

  @Test
  void aTurnStoredConcurrentlyElsewhereMakesTheBatchRunAgainWithoutRenumbering() {
    long r = insertCall(pool, "race_r", null, Call.INITIATED);
    insertCall(pool, "race_s", null, Call.INITIATED);
    insertCall(pool, "race_lead", null, Call.IN_PROGRESS);
    // another node stores turn kx of call r (its first) and has not committed yet
    Other other = Other.begin();
    Await.result(
        other.run(
            "UPDATE calls SET last_sequence_number = last_sequence_number + 1, "
                + "status = 'in_progress' WHERE id = $1",
            r));
    long otherId =
        Await.result(
                other.run(
                    "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, "
                        + "message_text, source, dedupe_key) VALUES ($1, 1, 'agent', 'said kx', 'live', 'kx') RETURNING id",
                    r))
            .iterator()
            .next()
            .getLong(0);

    WriterLoop loop = new WriterLoop(vertx, pool, 1, 256);
    var answers =
        loop.submit(
            List.of(
                turn("race_lead", "k0"),
                turn("race_r", "ka"),
                turn("race_r", "kx"),
                turn("race_s", "k1"),
                turn("race_r", "kb")));
    awaitBlockedBy(pool, other.pid()); // the batch has its snapshot and waits for call r's row
    other.end(true);
    awaitAll(answers);

    assertEquals(1, loop.stats().retries(), "23505 on (call_id, dedupe_key), then one re-run");
    StoredTurn kx = stored(answers.get(2));
    assertFalse(kx.created());
    assertEquals(otherId, kx.transcriptionId(), "the other node's row");
    assertEquals(
        List.of(1, 2, 1, 1, 3),
        sequences(answers),
        "r's turns numbered after the other node's, in order");
    assertFalse(stored(answers.get(1)).started(), "the other node started call r");
    assertTrue(stored(answers.get(3)).started());
    assertEquals(List.of("kx", "ka", "kb"), keysInOrder(pool, r));
  }

  @Test
  void aDeadlockVictimBatchRunsAgain() {
    // PostgreSQL aborts the waiter whose deadlock check (1 s after it began waiting) finds the
    // cycle: normally the
    // batch, which waits first. Should the other transaction be chosen instead, the round is
    // repeated.
    boolean batchWasVictim = false;
    for (int round = 0; round < 3 && !batchWasVictim; round++) {
      long a = insertCall(pool, "dead_a" + round, null, Call.INITIATED);
      long b = insertCall(pool, "dead_b" + round, null, Call.INITIATED);
      insertCall(pool, "dead_lead" + round, null, Call.IN_PROGRESS);
      Other other = Other.begin();
      Await.result(other.run("UPDATE calls SET updated_at = now() WHERE id = $1", b));
      WriterLoop loop = new WriterLoop(vertx, pool, 1, 256);
      var answers =
          loop.submit(
              List.of(
                  turn("dead_lead" + round, "k0"),
                  turn("dead_a" + round, "k1"),
                  turn("dead_b" + round, "k1")));
      awaitBlockedBy(pool, other.pid()); // the batch holds a's row and waits for b's
      Future<?> lockA = other.run("UPDATE calls SET updated_at = now() WHERE id = $1", a);
      Await.result(lockA.transform(done -> Future.succeededFuture()));
      if (lockA.failed()) {
        assertTrue(
            lockA.cause() instanceof DatabaseException db && "40P01".equals(db.getSqlState()),
            () -> "expected a deadlock, got " + lockA.cause());
      }
      other.end(lockA.succeeded());
      awaitAll(answers);
      // after its abort the batch re-runs at once and may meet the other transaction again: count,
      // not exactly one
      batchWasVictim = loop.stats().retries() > 0;
      assertEquals(List.of(1, 1, 1), sequences(answers), "stored once each, whoever was aborted");
      assertTrue(answers.stream().allMatch(x -> stored(x).created()));
      assertTrue(stored(answers.get(1)).started() && stored(answers.get(2)).started());
      assertEquals(List.of("k1"), keysInOrder(pool, a));
      assertEquals(List.of("k1"), keysInOrder(pool, b));
    }
    assertTrue(batchWasVictim, "in three rounds the batch was never the deadlock victim");
  }

  @Test
  void twoNodesHammeringTheSameCallsStoreEveryTurnExactlyOnce() {
    Vertx otherVertx = Vertx.vertx();
    Pool otherPool = Database.createPool(otherVertx, TestDatabase.database(db.schema()));
    try {
      int calls = 4;
      int turnsPerCall = 50;
      Map<String, Long> callIds = new HashMap<>();
      List<LiveTurn> all = new ArrayList<>();
      for (int c = 0; c < calls; c++) {
        callIds.put("hammer_" + c, insertCall(pool, "hammer_" + c, null, Call.INITIATED));
      }
      for (int t = 0; t < turnsPerCall; t++) {
        for (int c = 0; c < calls; c++) {
          all.add(turn("hammer_" + c, "t" + t));
        }
      }
      // node 1 takes the turns in order, each fifth one twice; node 2 all of them shuffled, plus 40
      // redeliveries
      List<LiveTurn> first = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        first.add(all.get(i));
        if (i % 5 == 0) {
          first.add(all.get(i));
        }
      }
      Random random = new Random(11);
      List<LiveTurn> second = new ArrayList<>(all);
      for (int i = 0; i < 40; i++) {
        second.add(all.get(random.nextInt(all.size())));
      }
      Collections.shuffle(second, random);

      WriterLoop node1 = new WriterLoop(vertx, pool, 1, 16);
      WriterLoop node2 = new WriterLoop(otherVertx, otherPool, 2, 8);
      var answers1 = node1.submit(first);
      var answers2 = node2.submit(second);
      awaitAll(answers1);
      awaitAll(answers2);

      Map<String, StoredTurn> winner = new HashMap<>();
      Map<String, Integer> created = new HashMap<>();
      Map<String, Integer> started = new HashMap<>();
      List<LiveTurn> requests = new ArrayList<>(first);
      requests.addAll(second);
      List<Future<LiveTurnResult>> results = new ArrayList<>(answers1);
      results.addAll(answers2);
      for (int i = 0; i < requests.size(); i++) {
        StoredTurn s = stored(results.get(i));
        String key = requests.get(i).callSid() + "/" + requests.get(i).dedupeKey();
        StoredTurn seen = winner.putIfAbsent(key, s);
        if (seen != null) {
          assertEquals(seen.transcriptionId(), s.transcriptionId(), key);
          assertEquals(seen.sequenceNumber(), s.sequenceNumber(), key);
        }
        created.merge(key, s.created() ? 1 : 0, Integer::sum);
        started.merge(requests.get(i).callSid(), s.started() ? 1 : 0, Integer::sum);
      }
      assertEquals(all.size(), winner.size());
      created.forEach((key, n) -> assertEquals(1, n, "created exactly once: " + key));
      started.forEach((call, n) -> assertEquals(1, n, "started exactly once: " + call));
      callIds.forEach(
          (sid, id) -> {
            assertEquals(
                turnsPerCall,
                keysInOrder(pool, id).size(),
                sid + ": every turn stored, numbered 1..n");
            assertEquals(Call.IN_PROGRESS, WriterLoop.status(pool, id));
          });
    } finally {
      Await.result(otherPool.close());
      Await.result(otherVertx.close());
    }
  }
}
