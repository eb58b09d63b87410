package io.callstream.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The webhook role's settings. {@code secret}: ELEVENLABS_WEBHOOK_SECRET, one secret or a
 * comma-separated list during a rotation: any of {@link #secrets} verifies, the first ({@link
 * #signingSecret}) is what the demo simulator signs with; {@code spoolDir}: WEBHOOK_SPOOL_DIR,
 * where bodies over 1 MiB wait while read (default java.io.tmpdir); {@code writerMaxQueue}/{@code
 * writerMaxQueueBytes}: the live-turn writer's queue bound (WRITER_MAX_QUEUE,
 * WRITER_MAX_QUEUE_BYTES); {@code deadlineMs}: a webhook not stored by then is answered 503
 * (WEBHOOK_DEADLINE_MS); {@code searchIndexFlushMs}: how often the node merges the transcript
 * search index's pending list in the background (SEARCH_INDEX_FLUSH_MS; 0 = never, the inserts then
 * do it themselves); {@code eventBusBatches}: the turns of one live-turn statement are published as
 * one event-bus message (EVENT_BUS_BATCHES, default true; false while nodes older than it are in
 * the cluster, see docs/configuration.md).
 */
public record WebhookConfig(
    String secret,
    boolean allowUnsigned,
    String transcriptionToken,
    Path spoolDir,
    long audioMaxBytes,
    int maxConcurrentSpools,
    int writerMaxQueue,
    long writerMaxQueueBytes,
    int deadlineMs,
    int searchIndexFlushMs,
    boolean eventBusBatches) {
  public List<String> secrets() {
    return SettingParsers.secretList(secret);
  }

  public String signingSecret() {
    return secret == null ? null : secrets().get(0);
  }

  @Override
  public String toString() {
    return "WebhookConfig[secret=***, allowUnsigned="
        + allowUnsigned
        + ", audioMaxBytes="
        + audioMaxBytes
        + "]";
  }
}
