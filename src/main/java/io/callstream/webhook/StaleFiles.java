package io.callstream.webhook;

import io.callstream.config.WebhookConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Start-up cleanup of what a node that died mid-request leaves behind: webhook spool files ({@code
 * callstream-webhook-*.spool}) and, in a directory that was AUDIO_DIR before recordings moved to
 * the audio store, half-written audio of older releases ({@code .audio-*.part}, {@code
 * .recording-*.part}). Only files untouched for {@link #staleAfter} are removed, because other
 * nodes on the same host may share the directory and be receiving right now. Blocking: run it
 * before deploying, or in executeBlocking.
 */
public final class StaleFiles {
  static final String SPOOL_GLOB = "callstream-webhook-*.spool";
  static final String PART_GLOB = ".audio-*.part";
  static final String RECORDING_PART_GLOB = ".recording-*.part";
  private static final Logger LOG = Logger.getLogger(StaleFiles.class.getName());

  private StaleFiles() {}

  /** Where post-call bodies are spooled: WEBHOOK_SPOOL_DIR (default java.io.tmpdir). */
  static Path spoolDir(WebhookConfig config) {
    return config.spoolDir();
  }

  /**
   * A file still being written is touched continually; one idle past two request timeouts is
   * orphaned.
   */
  public static Duration staleAfter(int requestTimeoutSeconds) {
    return Duration.ofSeconds(Math.max(600, 2L * requestTimeoutSeconds));
  }

  /** Removes stale spool and .part files; returns how many. Never fails (a problem is logged). */
  public static int remove(WebhookConfig config, String legacyAudioDir, Duration staleAfter) {
    Instant before = Instant.now().minus(staleAfter);
    int removed = remove(spoolDir(config), SPOOL_GLOB, before);
    if (legacyAudioDir != null) {
      Path legacy = Path.of(legacyAudioDir);
      removed +=
          remove(legacy, SPOOL_GLOB, before)
              + remove(legacy, PART_GLOB, before)
              + remove(legacy, RECORDING_PART_GLOB, before);
    }
    if (removed > 0) {
      LOG.info("removed " + removed + " stale webhook spool or partial audio files");
    }
    return removed;
  }

  private static int remove(Path dir, String glob, Instant before) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
      for (Path file : files) {
        try {
          if (Files.isRegularFile(file)
              && Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
            Files.delete(file);
            removed++;
          }
        } catch (NoSuchFileException gone) {
          // removed meanwhile by its owner
        } catch (IOException e) {
          LOG.warning("cannot remove stale file " + file + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.warning("cannot list " + dir + " for stale webhook files: " + e.getMessage());
    }
    return removed;
  }
}
