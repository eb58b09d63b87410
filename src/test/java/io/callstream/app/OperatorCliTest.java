package io.callstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.CliRun;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator command line, run in-process against a real schema: help, version, config check,
 * purge, reconcile.
 */
class OperatorCliTest {
  static String schema;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("cli");
  }

  @AfterAll
  static void tearDown() {
    TestDatabase.dropSchema(schema);
  }

  static Map<String, String> env() {
    return new HashMap<>(TestConfig.env(schema));
  }

  @Test
  void helpListsEveryCommand() {
    CliRun r = CliRun.run(env(), "--help");
    assertEquals(0, r.code(), r.toString());
    for (String command :
        List.of(
            "callstream serve",
            "callstream migrate",
            "callstream config check",
            "callstream user list",
            "callstream user add",
            "callstream user disable",
            "callstream user enable",
            "callstream user password",
            "callstream inbox list",
            "callstream inbox retry",
            "callstream reconcile now",
            "callstream purge",
            "--version",
            "--older-than=DAYS",
            "--dry-run",
            "--all-failed",
            "--failed")) {
      assertTrue(r.out().contains(command), command + " missing from\n" + r.out());
    }
    assertEquals(0, CliRun.run(env(), "user", "--help").code());
    CliRun unknown = CliRun.run(env(), "frobnicate");
    assertEquals(2, unknown.code());
    assertEquals(1, unknown.errorLines().size(), unknown.toString());
  }

  @Test
  void versionNamesTheProjectVersionAndCommit() {
    CliRun r = CliRun.run(Map.of(), "--version");
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out().strip().matches("callstream \\d+\\.\\d+\\.\\d+\\S* \\(commit \\S+\\)"), r.out());
    assertNotEquals("unknown", BuildInfo.CURRENT.version());
    assertTrue(r.out().contains(BuildInfo.CURRENT.version()));
  }

  @Test
  void configCheckPrintsTheEffectiveConfigurationWithSecretsRedacted() {
    Map<String, String> env = env();
    env.put("DATABASE_URL", "postgresql://someone:db-pass-SECRET-1@db.example:5432/calls");
    env.put("TWILIO_AUTH_TOKEN", "twilio-SECRET-2");
    env.put("ELEVENLABS_API_KEY", "sk-SECRET-3");
    env.put("SENTRY_DSN", "https://SECRET-4@sentry.example/1");
    env.put("TRANSCRIPTION_WEBHOOK_TOKEN", "transcription-token-SECRET-5-0123456789abcdef");
    CliRun r = CliRun.run(env, "config", "check");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("configuration is valid"), r.out());
    assertTrue(
        r.out().contains("db.example:5432/calls"), "the effective values are shown: " + r.out());
    assertTrue(r.out().contains("port=" + env.get("HTTP_PORT")), r.out());
    for (String secret : List.of("SECRET", TestConfig.SECRET_KEY, TestConfig.WEBHOOK_SECRET)) {
      assertFalse(r.out().contains(secret) || r.err().contains(secret), secret + " printed:\n" + r);
    }
  }

  @Test
  void configCheckOfABadConfigurationExits2WithOneLine() {
    Map<String, String> env = env();
    env.put("SECRET_KEY", "short");
    CliRun r = CliRun.run(env, "config", "check");
    assertEquals(2, r.code(), r.toString());
    assertEquals(
        List.of("callstream: configuration error: SECRET_KEY must be at least 32 bytes long"),
        r.err().lines().toList());
    assertFalse(r.out().contains("configuration is valid"));
  }

  @Test
  void purgeCountsThenDeletesEndedCallsTheirTranscriptsAndAppliedInboxRows() {
    long old = call("purge_old", "completed", 40);
    TestDatabase.queryValue(
        schema,
        "INSERT INTO transcriptions (call_id, sequence_number, speaker_type, "
            + "message_text, source, dedupe_key) VALUES ("
            + old
            + ", 1, 'agent', 'hi', 'live', 'a'), ("
            + old
            + ", 2, 'user', 'hello', 'live', 'b') RETURNING 1");
    call("purge_recent", "completed", 2);
    call("purge_unfinished", "in_progress", 40);
    // the old call's recordings (keyed by its call sid): the one in PostgreSQL goes, the one in S3
    // is left to
    // AUDIO_RETENTION_DAYS; the recent call's stays
    recording("purge_old", "postgres");
    recording("purge_old", "s3");
    recording("purge_recent", "postgres");
    inbox("processed", 40);
    inbox("failed", 40);
    inbox("processed", 2);

    CliRun dry = CliRun.run(env(), "purge", "--older-than", "30", "--dry-run");
    assertEquals(0, dry.code(), dry.toString());
    assertTrue(
        dry.out().contains("would delete calls=1 transcriptions=2 inbox_rows=1 recordings=1"),
        dry.out());
    assertTrue(dry.out().contains("1 recordings in S3 left to AUDIO_RETENTION_DAYS"), dry.out());
    assertEquals(3L, TestDatabase.queryValue(schema, "SELECT count(*) FROM call_audio"));
    assertEquals(3L, TestDatabase.queryValue(schema, "SELECT count(*) FROM calls"));
    assertEquals(3L, TestDatabase.queryValue(schema, "SELECT count(*) FROM webhook_events"));

    CliRun real = CliRun.run(env(), "purge", "--older-than", "30");
    assertEquals(0, real.code(), real.toString());
    assertTrue(
        real.out().contains("deleted calls=1 transcriptions=2 inbox_rows=1 recordings=1"),
        real.out());
    assertEquals(
        "purge_old s3,purge_recent postgres",
        TestDatabase.queryValue(
            schema,
            "SELECT string_agg(audio_key || ' ' || store, ',' ORDER BY audio_key) FROM call_audio"));
    assertEquals(
        0L,
        TestDatabase.queryValue(schema, "SELECT count(*) FROM calls WHERE call_sid = 'purge_old'"));
    assertEquals(0L, TestDatabase.queryValue(schema, "SELECT count(*) FROM transcriptions"));
    assertEquals(2L, TestDatabase.queryValue(schema, "SELECT count(*) FROM calls"));
    assertEquals(
        "failed,processed",
        TestDatabase.queryValue(
            schema, "SELECT string_agg(status, ',' ORDER BY status) FROM webhook_events"));

    assertEquals(2, CliRun.run(env(), "purge", "--older-than", "0").code());
    assertEquals(2, CliRun.run(env(), "purge").code());
  }

  @Test
  void reconcileNowRunsOneCycle() {
    Map<String, String> env = env();
    env.put("RECONCILE_AFTER_SECONDS", "60");
    TestDatabase.queryValue(
        schema,
        "INSERT INTO calls (call_sid, status, created_at, updated_at) VALUES "
            + "('reconcile_stale', 'initiated', now() - interval '1 hour', now() - interval '1 hour') RETURNING 1");
    CliRun r = CliRun.run(env, "reconcile", "now");
    assertEquals(0, r.code(), r.toString());
    assertTrue(
        r.out().contains("reconcile: ok") && r.out().contains("marked_failed=1"), r.toString());
    assertEquals(
        "failed",
        TestDatabase.queryValue(
            schema, "SELECT status FROM calls WHERE call_sid = 'reconcile_stale'"));
  }

  private static long call(String callSid, String status, int daysAgo) {
    return ((Number)
            TestDatabase.queryValue(
                schema,
                "INSERT INTO calls (call_sid, status, created_at) VALUES ('"
                    + callSid
                    + "', '"
                    + status
                    + "', now() - interval '"
                    + daysAgo
                    + " days') RETURNING id"))
        .longValue();
  }

  private static void recording(String key, String store) {
    TestDatabase.queryValue(
        schema,
        "INSERT INTO call_audio (audio_key, source, chunk_size, store) VALUES ('"
            + key
            + "', 'twilio', 1024, '"
            + store
            + "') RETURNING 1");
  }

  private static void inbox(String status, int daysAgo) {
    TestDatabase.queryValue(
        schema,
        "INSERT INTO webhook_events (type, body, body_sha256, status, received_at) "
            + "VALUES ('post_call_transcription', '{}', md5(random()::text), '"
            + status
            + "', now() - interval '"
            + daysAgo
            + " days') RETURNING 1");
  }
}
