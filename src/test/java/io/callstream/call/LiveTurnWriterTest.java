package io.callstream.call;

import static io.callstream.call.WriterLoop.insertCall;
import static io.callstream.call.WriterLoop.keysInOrder;
import static io.callstream.call.WriterLoop.sequences;
import static io.callstream.call.WriterLoop.stored;
import static io.callstream.call.WriterLoop.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What one batching writer promises for each turn, against the real PostgreSQL. */
class LiveTurnWriterTest {
  static final SchemaPool db = SchemaPool.open("liveturnwriter");
  static final Vertx vertx = db.vertx();
  static final Pool pool = db.pool();

  @AfterAll
  static void tearDown() {
    db.close();
  }

  WriterLoop loop() {
    return new WriterLoop(vertx, pool, 1, 256);
  }

  @Test
  void turnsOfOneCallInOneBatchAreNumberedInArrivalOrder() {
    long a = insertCall(pool, "order_a", null, Call.INITIATED);
    long b = insertCall(pool, "order_b", null, Call.INITIATED);
    WriterLoop loop = loop();
    var answers =
        loop.writeTogether(
            List.of(
                turn("order_a", "k1"),
                turn("order_a", "k2"),
                turn("order_b", "k1"),
                turn("order_a", "k3"),
                turn("order_b", "k2"),
                turn("order_a", "k4")));
    assertEquals(
        2,
        loop.stats().batches(),
        "the first turn left alone, the other five queued into one batch");
    assertEquals(List.of(1, 2, 1, 3, 2, 4), sequences(answers));
    assertEquals(
        List.of(true, false, true, false, false, false),
        answers.stream().map(x -> stored(x).started()).toList(),
        "the first turn of each call started it");
    assertTrue(answers.stream().allMatch(x -> stored(x).created()));
    List<Long> ids = answers.stream().map(x -> stored(x).transcriptionId()).toList();
    assertEquals(ids.stream().sorted().toList(), ids, "transcription ids follow arrival order");
    assertEquals(a, stored(answers.get(0)).callId());
    assertEquals("order_a", stored(answers.get(0)).callSid());
    assertEquals(Instant.parse("2026-11-21T11:19:07Z"), stored(answers.get(0)).spokenAt());

    var next =
        loop.writeTogether(
            List.of(turn("order_a", "k5"), turn("order_a", "k6"), turn("order_a", "k7")));
    assertEquals(List.of(5, 6, 7), sequences(next), "numbering continues across batches");
    assertTrue(next.stream().noneMatch(x -> stored(x).started()));
    assertEquals(List.of("k1", "k2", "k3", "k4", "k5", "k6", "k7"), keysInOrder(pool, a));
    assertEquals(List.of("k1", "k2"), keysInOrder(pool, b));
    assertEquals(Call.IN_PROGRESS, WriterLoop.status(pool, a));
  }

  /**
   * The commit listener (where the node publishes): called once per committed statement, with its
   * turns and results in arrival order, before any of that statement's writers hears of its turn.
   */
  @Test
  void eachCommittedStatementIsAnnouncedOnceBeforeItsWritersHear() {
    insertCall(pool, "announce", null, Call.INITIATED);
    WriterLoop loop = loop();
    List<List<Integer>> announced = new CopyOnWriteArrayList<>();
    Set<String> answered = ConcurrentHashMap.newKeySet();
    List<String> heardFirst = new CopyOnWriteArrayList<>();
    loop.writer.onCommitted(
        (requests, results) -> {
          assertEquals(requests.size(), results.size());
          announced.add(
              results.stream()
                  .map(r -> ((LiveTurnResult.Stored) r).turn().sequenceNumber())
                  .toList());
          requests.stream()
              .map(LiveTurn::dedupeKey)
              .filter(answered::contains)
              .forEach(heardFirst::add);
        });
    CompletableFuture<List<Future<LiveTurnResult>>> submitted = new CompletableFuture<>();
    loop.context.runOnContext(
        v ->
            submitted.complete(
                Stream.of("k1", "k2", "k3")
                    .map(
                        k ->
                            loop.writer
                                .write(turn("announce", k))
                                .onComplete(ar -> answered.add(k)))
                    .toList()));
    WriterLoop.awaitAll(submitted.join());
    assertEquals(
        List.of(List.of(1), List.of(2, 3)),
        announced,
        "two statements: k1 alone, then k2 and k3 together");
    assertEquals(List.of(), heardFirst, "writers heard of these turns before they were announced");
  }

  @Test
  void redeliveriesReturnTheStoredRowWithoutBumpingTheCounter() {
    long c = insertCall(pool, "redeliver", null, Call.IN_PROGRESS);
    WriterLoop loop = loop();
    var first = loop.writeTogether(List.of(turn("redeliver", "k1"), turn("redeliver", "k2")));
    var again =
        loop.writeTogether(
            List.of(
                turn("redeliver", "k3"),
                turn("redeliver", "k1"),
                turn("redeliver", "k4"),
                turn("redeliver", "k4"),
                turn("redeliver", "k2"),
                turn("redeliver", "k5")));
    assertEquals(List.of(3, 1, 4, 4, 2, 5), sequences(again));
    assertEquals(
        List.of(true, false, true, false, false, true),
        again.stream().map(x -> stored(x).created()).toList());
    assertEquals(
        stored(first.get(0)).transcriptionId(),
        stored(again.get(1)).transcriptionId(),
        "the stored row");
    assertEquals(
        stored(again.get(2)).transcriptionId(),
        stored(again.get(3)).transcriptionId(),
        "a duplicate inside one batch answers with the row its first copy created");
    assertTrue(
        again.stream().noneMatch(x -> stored(x).started()), "the call was already in progress");
    assertEquals(List.of("k1", "k2", "k3", "k4", "k5"), keysInOrder(pool, c));
  }

  @Test
  void unknownAndEndedCallsFailOnlyTheirOwnTurns() {
    long open = insertCall(pool, "refuse_open", null, Call.INITIATED);
    long completed = insertCall(pool, "refuse_completed", null, Call.COMPLETED);
    insertCall(pool, "refuse_failed", null, Call.FAILED);
    long late = insertCall(pool, "refuse_late", null, Call.IN_PROGRESS);
    stored(loop().writeTogether(List.of(turn("refuse_late", "k1"))).get(0));
    Await.result(pool.query("UPDATE calls SET status = 'completed' WHERE id = " + late).execute());

    var answers =
        loop()
            .writeTogether(
                List.of(
                    turn("refuse_open", "k0"),
                    turn("refuse_open", "k1"),
                    turn("nobody", "k1"),
                    turn("refuse_completed", "k1"),
                    turn("refuse_open", "k2"),
                    turn("refuse_failed", "k1"),
                    turn("refuse_late", "k1"),
                    turn("refuse_late", "k2"),
                    turn("refuse_open", "k3")));
    assertEquals(
        List.of(1, 2, 3, 4),
        sequences(List.of(answers.get(0), answers.get(1), answers.get(4), answers.get(8))),
        "the open call's turns are stored, gapless, around the refusals");
    assertInstanceOf(LiveTurnResult.UnknownCall.class, answers.get(2).result());
    assertEquals(new LiveTurnResult.CallEnded(Call.COMPLETED), answers.get(3).result());
    assertEquals(new LiveTurnResult.CallEnded(Call.FAILED), answers.get(5).result());
    StoredTurn redelivered = stored(answers.get(6));
    assertFalse(
        redelivered.created(),
        "a redelivery of a turn stored before the call ended still gets its row");
    assertEquals(1, redelivered.sequenceNumber());
    assertEquals(new LiveTurnResult.CallEnded(Call.COMPLETED), answers.get(7).result());
    assertEquals(0, WriterLoop.counter(pool, completed));
    assertEquals(List.of("k1"), keysInOrder(pool, late));
    assertEquals(List.of("k0", "k1", "k2", "k3"), keysInOrder(pool, open));
  }

  @Test
  void theCallSidMatchWinsAndAConversationIdAloneFindsItsCall() {
    long x = insertCall(pool, "match_x", null, Call.IN_PROGRESS);
    long y = insertCall(pool, "match_y", "conv_match_y", Call.IN_PROGRESS);
    var answers =
        loop()
            .writeTogether(
                List.of(
                    new LiveTurn(null, "conv_match_y", "k1", "user", "hello", null),
                    new LiveTurn("match_x", "conv_match_y", "k1", "agent", "hi", null),
                    new LiveTurn("no_such_sid", "conv_match_y", "k2", "agent", "again", null),
                    new LiveTurn(null, "conv_nobody", "k1", "agent", "lost", null)));
    assertEquals(y, stored(answers.get(0)).callId());
    assertEquals("conv_match_y", stored(answers.get(0)).conversationId());
    assertEquals(
        x, stored(answers.get(1)).callId(), "call_sid wins over another call's conversation_id");
    assertEquals(y, stored(answers.get(2)).callId());
    assertEquals(2, stored(answers.get(2)).sequenceNumber());
    assertInstanceOf(LiveTurnResult.UnknownCall.class, answers.get(3).result());
    assertEquals(null, stored(answers.get(0)).spokenAt());
  }

  @Test
  void maxBatchSizeAndBatchesInFlightShapeTheBatches() {
    long small = insertCall(pool, "shape_small", null, Call.IN_PROGRESS);
    WriterLoop capped = new WriterLoop(vertx, pool, 1, 3);
    List<LiveTurn> ten =
        IntStream.rangeClosed(1, 10).mapToObj(i -> turn("shape_small", "k" + i)).toList();
    assertEquals(
        IntStream.rangeClosed(1, 10).boxed().toList(), sequences(capped.writeTogether(ten)));
    assertEquals(4, capped.stats().batches(), "1 at once, then 3 + 3 + 3");
    assertEquals(10, capped.stats().turns());
    assertEquals(10, keysInOrder(pool, small).size());

    // the two that leave at once go to calls of their own: two batches in flight may commit in
    // either order
    long p = insertCall(pool, "shape_p", null, Call.IN_PROGRESS);
    long s = insertCall(pool, "shape_s", null, Call.IN_PROGRESS);
    insertCall(pool, "shape_first", null, Call.IN_PROGRESS);
    insertCall(pool, "shape_second", null, Call.IN_PROGRESS);
    WriterLoop two = new WriterLoop(vertx, pool, 2, 256);
    List<LiveTurn> requests =
        new java.util.ArrayList<>(List.of(turn("shape_first", "k1"), turn("shape_second", "k2")));
    IntStream.rangeClosed(3, 10)
        .forEach(i -> requests.add(turn(i % 2 == 0 ? "shape_p" : "shape_s", "k" + i)));
    var answers = two.writeTogether(requests);
    assertEquals(
        3, two.stats().batches(), "two leave at once, the other eight wait for a free slot");
    assertEquals(List.of(1, 1, 1, 1, 2, 2, 3, 3, 4, 4), sequences(answers));
    assertEquals(List.of("k4", "k6", "k8", "k10"), keysInOrder(pool, p));
    assertEquals(List.of("k3", "k5", "k7", "k9"), keysInOrder(pool, s));
  }

  @Test
  void aBadRowFailsAloneAndTheOthersAreStoredInArrivalOrder() {
    long d = insertCall(pool, "bad_rows", null, Call.IN_PROGRESS);
    WriterLoop loop = loop();
    var answers =
        loop.writeTogether(
            List.of(
                turn("bad_rows", "k0"),
                turn("bad_rows", "k1"),
                new LiveTurn("bad_rows", null, "nul", "agent", "a\u0000b", null),
                turn("bad_rows", "k2"),
                new LiveTurn("bad_rows", null, "robot", "robot", "beep", null),
                turn("bad_rows", "k3")));
    assertEquals("22021", sqlState(answers.get(2)), "a NUL character is a data exception");
    assertEquals(
        "23514", sqlState(answers.get(4)), "an unknown speaker violates the check constraint");
    assertEquals(
        List.of(1, 2, 3, 4),
        sequences(List.of(answers.get(0), answers.get(1), answers.get(3), answers.get(5))));
    assertEquals(1, loop.stats().isolated(), "the failed batch was re-run turn by turn");
    assertEquals(List.of("k0", "k1", "k2", "k3"), keysInOrder(pool, d));
  }

  @Test
  void anyOtherFailureFailsEveryTurnOfTheBatch() {
    Pool nowhere =
        Database.createPool(vertx, TestDatabase.database(TestDatabase.newSchemaName("missing")));
    try {
      WriterLoop loop = new WriterLoop(vertx, nowhere, 1, 256);
      var answers = loop.writeTogether(List.of(turn("a", "k1"), turn("a", "k2"), turn("b", "k1")));
      for (var answer : answers) {
        assertEquals("42P01", sqlState(answer), "calls does not exist in that schema");
      }
      assertEquals(0, loop.stats().isolated());
      assertEquals(0, loop.stats().retries());
    } finally {
      Await.result(nowhere.close());
    }
  }

  @Test
  void aWriterBelongsToOneEventLoop() {
    insertCall(pool, "owner", null, Call.IN_PROGRESS);
    WriterLoop loop = loop();
    stored(loop.writeTogether(List.of(turn("owner", "k1"))).get(0));
    assertThrows(IllegalStateException.class, () -> loop.writer.write(turn("owner", "k2")));
    assertThrows(IllegalArgumentException.class, () -> new LiveTurnWriter(pool, 0, 256));
  }

  static String sqlState(Future<LiveTurnResult> answer) {
    assertTrue(answer.failed(), () -> "expected a failure, got " + answer.result());
    return assertInstanceOf(DatabaseException.class, answer.cause()).getSqlState();
  }
}
