package io.callstream.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.micrometer.core.instrument.Counter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DATA_RETENTION_DAYS=1 on a node whose reconciler runs every second: an ended call created 2 days
 * ago goes with its transcript turns and its recordings stored in PostgreSQL (under its
 * conversation id and under its call sid, chunks included), as does an applied inbox row received 2
 * days ago; a recent ended call, an unfinished old call, a failed old inbox row, a recent applied
 * one and an S3 recording of the purged call (left to AUDIO_RETENTION_DAYS) stay. Each deletion is
 * counted in {@code callstream_purged_total{what}}.
 */
class DataRetentionTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("retention");
    node =
        nodes.start(
            TestConfig.config(
                schema, Map.of("RECONCILE_INTERVAL_SECONDS", "1", "DATA_RETENTION_DAYS", "1")));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  @Test
  void theLeaderPurgesOldEndedCallsWithTheirTurnsAndRecordingsAndOldAppliedInboxRows() {
    long old = call("ret_old", "conv_ret_old", "completed", "2 days");
    turn(old, 1);
    turn(old, 2);
    long oldAudio = recording("conv_ret_old", "postgres");
    recording("ret_old", "postgres");
    recording("conv_ret_old", "s3");
    long recent = call("ret_recent", "conv_ret_recent", "failed", "1 hour");
    turn(recent, 1);
    recording("conv_ret_recent", "postgres");
    long unfinished = call("ret_unfinished", "conv_ret_unfinished", "in_progress", "2 days");
    turn(unfinished, 1);
    recording("conv_ret_unfinished", "postgres");
    long oldApplied = inbox("processed", "2 days");
    long oldFailed = inbox("failed", "2 days");
    long recentApplied = inbox("ignored", "1 hour");

    Await.until("the old ended call purged", () -> count("calls WHERE id = " + old) == 0);
    Await.until(
        "the old applied inbox row purged",
        () -> count("webhook_events WHERE id = " + oldApplied) == 0);
    Await.until("the purge counted", () -> purged("inbox_rows") == 1);

    assertEquals(0, count("transcriptions WHERE call_id = " + old), "its turns went with it");
    assertEquals(
        0,
        count("call_audio WHERE audio_key IN ('conv_ret_old', 'ret_old') AND store = 'postgres'"),
        "its recordings stored in PostgreSQL went with it");
    assertEquals(0, count("call_audio_chunks WHERE audio_id = " + oldAudio), "and their chunks");
    assertEquals(
        1,
        count("call_audio WHERE audio_key = 'conv_ret_old' AND store = 's3'"),
        "an S3 recording is left to AUDIO_RETENTION_DAYS, which deletes its object");
    for (long kept : new long[] {recent, unfinished}) {
      assertEquals(1, count("calls WHERE id = " + kept));
      assertEquals(1, count("transcriptions WHERE call_id = " + kept));
    }
    assertEquals(
        2, count("call_audio WHERE audio_key IN ('conv_ret_recent', 'conv_ret_unfinished')"));
    assertEquals(2, count("call_audio_chunks"), "the chunks of the kept recordings");
    assertEquals(2, count("webhook_events WHERE id IN (" + oldFailed + ", " + recentApplied + ")"));

    assertEquals(1, purged("calls"));
    assertEquals(2, purged("transcriptions"));
    assertEquals(2, purged("recordings"));
    // later runs find nothing more to purge
    double runs = runs();
    Await.until("two more reconciler runs", () -> runs() >= runs + 2);
    assertEquals(1, purged("calls"));
    assertEquals(2, count("calls"));
  }

  private static long call(String callSid, String conversationId, String status, String age) {
    return id(
        "INSERT INTO calls (call_sid, conversation_id, status, created_at) VALUES ('"
            + callSid
            + "', '"
            + conversationId
            + "', '"
            + status
            + "', now() - interval '"
            + age
            + "') RETURNING id");
  }

  private static void turn(long callId, int seq) {
    id(
        "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, source, dedupe_key) "
            + "VALUES ("
            + callId
            + ", "
            + seq
            + ", 'agent', 'hi', 'live', 'k"
            + callId
            + "_"
            + seq
            + "') RETURNING id");
  }

  /** A recording under {@code key}; one chunk when stored in PostgreSQL. */
  private static long recording(String key, String store) {
    long id =
        id(
            "INSERT INTO call_audio (audio_key, source, size, chunk_size, store, object_key) VALUES ('"
                + key
                + "', 'elevenlabs', 3, 1024, '"
                + store
                + "', "
                + (store.equals("s3") ? "'obj/" + key + "'" : "NULL")
                + ") RETURNING id");
    if (store.equals("postgres")) {
      id(
          "INSERT INTO call_audio_chunks (audio_id, seq, bytes) VALUES ("
              + id
              + ", 0, '\\x010203') RETURNING audio_id");
    }
    return id;
  }

  private static long inbox(String status, String age) {
    return id(
        "INSERT INTO webhook_events (type, body, body_sha256, status, received_at) VALUES "
            + "('post_call_transcription', '{}'::jsonb, md5(random()::text), '"
            + status
            + "', now() - interval '"
            + age
            + "') RETURNING id");
  }

  private static long id(String sql) {
    return ((Number) TestDatabase.queryValue(schema, sql)).longValue();
  }

  private static long count(String fromWhere) {
    return id("SELECT count(*) FROM " + fromWhere);
  }

  private static double purged(String what) {
    Counter c = node.registry().find("callstream_purged").tag("what", what).counter();
    return c == null ? 0 : c.count();
  }

  private static double runs() {
    Counter c = node.registry().find("callstream_reconciler_runs").tag("outcome", "ok").counter();
    return c == null ? 0 : c.count();
  }
}
