package io.callstream.call;

import static io.callstream.call.WriterLoop.insertCall;
import static io.callstream.call.WriterLoop.stored;
import static io.callstream.call.WriterLoop.turn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.SchemaPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node's one writer, hosted on one event loop: the host's own writes go straight to it, other
 * contexts' writes hop there and their answers hop back, and writes that arrive before the host
 * bound it wait for it.
 */
class NodeTurnWriterTest {
  static SchemaPool db;

  @BeforeAll
  static void setUp() {
    db = SchemaPool.open("nodeturnwriter");
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  /** A write made on {@code on}; the answer records the context its callbacks ran on. */
  record Answer(LiveTurnResult result, Context completedOn) {}

  static Answer writeOn(Context on, NodeTurnWriter writer, LiveTurn request) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    on.runOnContext(
        v ->
            writer
                .write(request)
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        answer.complete(new Answer(ar.result(), Vertx.currentContext()));
                      } else {
                        answer.completeExceptionally(ar.cause());
                      }
                    }));
    try {
      return answer.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void onlyOneHostAndEveryCallerGetsItsAnswerOnItsOwnContext() {
    insertCall(db.pool(), "host_a", null, Call.IN_PROGRESS);
    NodeTurnWriter writer = new NodeTurnWriter();
    assertTrue(writer.claimHost());
    assertFalse(writer.claimHost(), "the second instance does not host");
    Context host = db.vertx().getOrCreateContext();
    Context other = db.vertx().getOrCreateContext();
    CompletableFuture<Void> bound = new CompletableFuture<>();
    host.runOnContext(
        v -> {
          writer.bind(host, new LiveTurnWriter(db.pool()));
          bound.complete(null);
        });
    bound.join();

    Answer direct = writeOn(host, writer, turn("host_a", "k1"));
    assertSame(host, direct.completedOn(), "the host's own write is answered on the host");
    assertEquals(1, stored(Future.succeededFuture(direct.result())).sequenceNumber());

    Answer hopped = writeOn(other, writer, turn("host_a", "k2"));
    assertSame(
        other,
        hopped.completedOn(),
        "another instance's write is answered on that instance's context");
    assertEquals(2, stored(Future.succeededFuture(hopped.result())).sequenceNumber());
  }

  @Test
  void writesBeforeTheHostIsBoundWaitForIt() {
    long call = insertCall(db.pool(), "host_b", null, Call.IN_PROGRESS);
    NodeTurnWriter writer = new NodeTurnWriter();
    Context early = db.vertx().getOrCreateContext();
    Context host = db.vertx().getOrCreateContext();
    CompletableFuture<Future<LiveTurnResult>> submitted = new CompletableFuture<>();
    Promise<Context> answeredOn = Promise.promise();
    early.runOnContext(
        v -> {
          Future<LiveTurnResult> f = writer.write(turn("host_b", "k1"));
          f.onComplete(ar -> answeredOn.tryComplete(Vertx.currentContext()));
          submitted.complete(f);
        });
    Future<LiveTurnResult> pending = submitted.join();
    assertFalse(pending.isComplete(), "no writer yet: the write waits");

    assertTrue(writer.claimHost());
    host.runOnContext(v -> writer.bind(host, new LiveTurnWriter(db.pool())));
    LiveTurnResult result = Await.result(pending);
    assertEquals(1, stored(Future.succeededFuture(result)).sequenceNumber());
    assertSame(early, Await.result(answeredOn.future()), "answered on the context that wrote");
    assertEquals(List.of("k1"), WriterLoop.keysInOrder(db.pool(), call));
  }
}
