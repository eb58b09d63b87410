package io.callstream.live;

import io.callstream.app.Node;
import io.callstream.call.Call;
import io.callstream.call.Transcription;
import io.callstream.events.CallCompletedEvent;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.events.TranscriptionEvent;
import io.callstream.support.Await;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Produces what the webhook role produces: calls and transcript rows written to PostgreSQL through
 * a node's pool, then the matching events published with {@link CallEvents#publish} from that node.
 */
final class CallFeed {
  private static final AtomicLong IDS = new AtomicLong();
  private static final String INSERT_CALL =
      "INSERT INTO calls (call_sid, conversation_id, driver_id, status, "
          + "call_start_time) VALUES ($1, $2, 'D-1', 'in_progress', now()) RETURNING "
          + Call.COLUMNS;
  private static final String INSERT_TURN =
      "WITH s AS (UPDATE calls SET last_sequence_number = "
          + "last_sequence_number + 1, updated_at = now() WHERE id = $1 RETURNING last_sequence_number) "
          + "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source, "
          + "dedupe_key) SELECT $1, s.last_sequence_number, $2, $3, now(), 'live', $4 FROM s RETURNING "
          + Transcription.COLUMNS;
  private static final String COMPLETE =
      "UPDATE calls SET status = 'completed', call_end_time = now(), "
          + "transcript_summary = 'done', analysis_data = '{\"call_successful\":\"success\"}', updated_at = now() "
          + "WHERE id = $1 RETURNING "
          + Call.COLUMNS;

  private CallFeed() {}

  static Call newCall(Node node) {
    long n = IDS.incrementAndGet();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return Await.result(
        node.pool()
            .preparedQuery(INSERT_CALL)
            .execute(Tuple.of("EL_D-1_" + n + "_" + suffix, "conv_" + n + "_" + suffix))
            .map(rows -> Call.fromRow(rows.iterator().next())));
  }

  /** Stores the next turn of the call (not published). */
  static Future<Transcription> store(Node node, Call call, String text) {
    return node.pool()
        .preparedQuery(INSERT_TURN)
        .execute(Tuple.of(call.id(), "agent", text, UUID.randomUUID().toString()))
        .map(rows -> Transcription.fromRow(rows.iterator().next()));
  }

  static void publish(Node node, Call call, Transcription t) {
    CallEvents.publish(node.vertx().eventBus(), t.toEvent(call.callSid(), call.conversationId()));
  }

  /** Stores the next turn and publishes it, like the live transcription webhook. */
  static Transcription turn(Node node, Call call, String text) {
    Transcription t = Await.result(store(node, call, text));
    publish(node, call, t);
    return t;
  }

  /** Stores and publishes {@code count} turns one after the other, concurrently with the caller. */
  static Future<Integer> produce(Node node, Call call, int count) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (int i = 0; i < count; i++) {
      chain =
          chain.compose(
              n ->
                  store(node, call, "live " + n)
                      .map(
                          t -> {
                            publish(node, call, t);
                            return t.sequenceNumber();
                          }));
    }
    return chain;
  }

  /**
   * Publishes a turn event that is not stored (for load only: its sequence numbers must follow on).
   */
  static void publishUnstored(Node node, Call call, int seq, String text) {
    CallEvents.publish(
        node.vertx().eventBus(),
        new TranscriptionEvent(
            call.id(),
            call.callSid(),
            call.conversationId(),
            seq,
            seq,
            "agent",
            text,
            Instant.now()));
  }

  /**
   * A non-final call_status, used as a probe: it is forwarded at once, whatever the sequence
   * numbers.
   */
  static void probe(Node node, Call call) {
    CallEvents.publish(
        node.vertx().eventBus(),
        new CallStatusEvent(
            call.id(), call.callSid(), call.conversationId(), Call.IN_PROGRESS, Instant.now()));
  }

  /**
   * Marks the call completed and publishes call_status then call_completed, like the post-call
   * webhook.
   */
  static Call complete(Node node, Call call, boolean publishStatus) {
    Call done =
        Await.result(
            node.pool()
                .preparedQuery(COMPLETE)
                .execute(Tuple.of(call.id()))
                .map(rows -> Call.fromRow(rows.iterator().next())));
    if (publishStatus) {
      CallEvents.publish(
          node.vertx().eventBus(),
          new CallStatusEvent(
              done.id(), done.callSid(), done.conversationId(), done.status(), done.callEndTime()));
    }
    CallEvents.publish(
        node.vertx().eventBus(),
        new CallCompletedEvent(
            done.id(),
            done.callSid(),
            done.conversationId(),
            done.toJson(),
            done.lastSequenceNumber()));
    return done;
  }
}
