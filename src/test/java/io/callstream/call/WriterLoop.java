package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.call.TranscriptRepository.StoredTurn;
import io.callstream.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LiveTurnWriter} on one event loop, as a verticle instance holds it. Writes submitted
 * together run in one event-loop task, so the first leaves at once and the others queue behind it:
 * batching is deterministic.
 */
final class WriterLoop {
  final Context context;
  final LiveTurnWriter writer;

  WriterLoop(Vertx vertx, Pool pool, int maxInFlight, int maxBatch) {
    this.context = vertx.getOrCreateContext();
    this.writer = new LiveTurnWriter(pool, maxInFlight, maxBatch);
  }

  /** Submits every write in one task on the writer's event loop; does not wait for the answers. */
  List<Future<LiveTurnResult>> submit(List<LiveTurn> requests) {
    CompletableFuture<List<Future<LiveTurnResult>>> submitted = new CompletableFuture<>();
    context.runOnContext(v -> submitted.complete(requests.stream().map(writer::write).toList()));
    try {
      return submitted.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Submits together and waits for every answer (success or failure). */
  List<Future<LiveTurnResult>> writeTogether(List<LiveTurn> requests) {
    return awaitAll(submit(requests));
  }

  LiveTurnWriter.Stats stats() {
    CompletableFuture<LiveTurnWriter.Stats> stats = new CompletableFuture<>();
    context.runOnContext(v -> stats.complete(writer.stats()));
    return stats.join();
  }

  static List<Future<LiveTurnResult>> awaitAll(List<Future<LiveTurnResult>> futures) {
    Await.result(Future.join(futures).transform(done -> Future.succeededFuture()));
    return futures;
  }

  static LiveTurn turn(String callSid, String key) {
    return new LiveTurn(
        callSid, null, key, "agent", "said " + key, Instant.parse("2026-11-21T11:19:07Z"));
  }

  static StoredTurn stored(Future<LiveTurnResult> answer) {
    assertTrue(answer.succeeded(), () -> "failed: " + answer.cause());
    return assertInstanceOf(LiveTurnResult.Stored.class, answer.result()).turn();
  }

  static List<Integer> sequences(List<Future<LiveTurnResult>> answers) {
    return answers.stream().map(a -> stored(a).sequenceNumber()).toList();
  }

  static long insertCall(Pool pool, String callSid, String conversationId, String status) {
    return Await.result(
            pool.preparedQuery(
                    "INSERT INTO calls (call_sid, conversation_id, status) VALUES ($1, $2, $3) RETURNING id")
                .execute(Tuple.of(callSid, conversationId, status)))
        .iterator()
        .next()
        .getLong(0);
  }

  /**
   * The call's stored dedupe keys in sequence order, after checking the numbers are exactly 1..n.
   */
  static List<String> keysInOrder(Pool pool, long callId) {
    List<String> keys = new ArrayList<>();
    int expected = 1;
    for (Row r :
        Await.result(
            pool.preparedQuery(
                    "SELECT sequence_number, dedupe_key FROM transcriptions WHERE call_id = $1 ORDER BY sequence_number")
                .execute(Tuple.of(callId)))) {
      assertEquals(expected++, r.getInteger(0), "gapless numbering of call " + callId);
      keys.add(r.getString(1));
    }
    assertEquals(keys.size(), counter(pool, callId), "the counter is the last number");
    return keys;
  }

  static int counter(Pool pool, long callId) {
    return callColumn(pool, callId, "last_sequence_number", Integer.class);
  }

  static String status(Pool pool, long callId) {
    return callColumn(pool, callId, "status", String.class);
  }

  private static <T> T callColumn(Pool pool, long callId, String column, Class<T> type) {
    return Await.result(
            pool.preparedQuery("SELECT " + column + " FROM calls WHERE id = $1")
                .execute(Tuple.of(callId)))
        .iterator()
        .next()
        .get(type, 0);
  }

  /** Waits (support/Await) until some backend waits for a lock held by the given backend. */
  static void awaitBlockedBy(Pool pool, int pid) {
    Await.until(
        "a backend is blocked by " + pid,
        () ->
            Await.result(
                        pool.preparedQuery(
                                "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))")
                            .execute(Tuple.of(pid)))
                    .iterator()
                    .next()
                    .getLong(0)
                > 0,
        java.time.Duration.ofSeconds(30));
  }
}
