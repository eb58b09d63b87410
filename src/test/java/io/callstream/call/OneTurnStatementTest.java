package io.callstream.call;

import static io.callstream.call.WriterLoop.counter;
import static io.callstream.call.WriterLoop.insertCall;
import static io.callstream.call.WriterLoop.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.callstream.db.DatabaseErrors;
import io.callstream.support.Await;
import io.callstream.support.SchemaPool;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A batch of one live turn runs {@link LiveTurnSql#INSERT_ONE}, not the batch statement: each case
 * runs through both, on twin calls, and must get the same answer and leave the same rows.
 */
class OneTurnStatementTest {
  static final SchemaPool db = SchemaPool.open("oneturn");
  static final Pool pool = db.pool();
  static final TranscriptRepository repository = new TranscriptRepository();

  @AfterAll
  static void tearDown() {
    db.close();
  }

  private static LiveTurn turn(String sid, String conversation, String key, String speaker) {
    return new LiveTurn(
        sid, conversation, key, speaker, "said " + key, Instant.parse("2026-11-21T11:19:07Z"));
  }

  /**
   * Runs the same turn through both statements (the one-turn path on "one_", the batch on "b_").
   */
  private static List<LiveTurnResult> both(String sid, String conversation, String key) {
    return List.of(
        write(repository::insertLive, "one_", sid, conversation, key),
        write(repository::insertBatch, "b_", sid, conversation, key));
  }

  private static LiveTurnResult write(
      BiFunction<SqlClient, List<LiveTurn>, Future<List<LiveTurnResult>>> statement,
      String prefix,
      String sid,
      String conversation,
      String key) {
    LiveTurn turn =
        turn(
            sid == null ? null : prefix + sid,
            conversation == null ? null : prefix + conversation,
            key,
            "agent");
    return Await.result(statement.apply(pool, List.of(turn))).get(0);
  }

  /** The answer with the database ids taken out (the twins' rows have different ids). */
  private static String shape(LiveTurnResult r) {
    if (r instanceof LiveTurnResult.Stored s) {
      TranscriptRepository.StoredTurn t = s.turn();
      return "stored seq="
          + t.sequenceNumber()
          + " created="
          + t.created()
          + " started="
          + t.started()
          + " spoken="
          + t.spokenAt()
          + " sid="
          + (t.callSid() == null ? null : t.callSid().replaceFirst("^(one|b)_", ""))
          + " conversation="
          + (t.conversationId() == null ? null : t.conversationId().replaceFirst("^(one|b)_", ""));
    }
    return r.toString();
  }

  private static void same(List<LiveTurnResult> answers, String expected) {
    assertEquals(expected, shape(answers.get(0)), "the one-turn statement");
    assertEquals(expected, shape(answers.get(1)), "the batch statement");
  }

  private static long[] twins(String sid, String conversation, String status) {
    return new long[] {
      insertCall(pool, "one_" + sid, conversation == null ? null : "one_" + conversation, status),
      insertCall(pool, "b_" + sid, conversation == null ? null : "b_" + conversation, status)
    };
  }

  @Test
  void everyCaseAnswersAsTheBatchStatementDoes() {
    long[] a = twins("a", "conv_a", Call.INITIATED);
    same(
        both("a", null, "k1"),
        "stored seq=1 created=true started=true spoken=2026-11-21T11:19:07Z sid=a conversation=conv_a");
    for (long id : a) {
      assertEquals(Call.IN_PROGRESS, status(pool, id), "the first turn starts the call");
    }
    same(
        both("a", null, "k2"),
        "stored seq=2 created=true started=false spoken=2026-11-21T11:19:07Z sid=a conversation=conv_a");
    same(
        both("a", null, "k1"),
        "stored seq=1 created=false started=false spoken=2026-11-21T11:19:07Z sid=a conversation=conv_a");
    for (long id : a) {
      assertEquals(2, counter(pool, id), "a redelivery does not bump the counter");
    }
    same(
        both(null, "conv_a", "k3"),
        "stored seq=3 created=true started=false spoken=2026-11-21T11:19:07Z sid=a conversation=conv_a");

    // the call_sid match wins over another call's conversation id
    twins("x", "conv_x", Call.IN_PROGRESS);
    same(
        both("x", "conv_a", "k1"),
        "stored seq=1 created=true started=false spoken=2026-11-21T11:19:07Z sid=x conversation=conv_x");

    List<LiveTurnResult> unknown = both("nobody", null, "k1");
    assertInstanceOf(LiveTurnResult.UnknownCall.class, unknown.get(0));
    assertInstanceOf(LiveTurnResult.UnknownCall.class, unknown.get(1));

    twins("done", null, Call.COMPLETED);
    same(both("done", null, "k1"), new LiveTurnResult.CallEnded(Call.COMPLETED).toString());
  }

  @Test
  void aBadRowFailsWithTheSameDatabaseError() {
    twins("bad", null, Call.IN_PROGRESS);
    Throwable one =
        Await.failure(repository.insertLive(pool, List.of(turn("one_bad", null, "k1", "robot"))));
    Throwable batch =
        Await.failure(repository.insertBatch(pool, List.of(turn("b_bad", null, "k1", "robot"))));
    assertEquals("23514", DatabaseErrors.sqlState(one), "a check violation: " + one);
    assertEquals(DatabaseErrors.sqlState(batch), DatabaseErrors.sqlState(one));
  }
}
