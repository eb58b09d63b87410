package io.callstream.app;

import io.callstream.audio.AudioRepository;
import io.callstream.call.CallRepository;
import io.callstream.config.Config;
import io.callstream.webhook.InboxRepository;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code purge --older-than DAYS [--dry-run]}: deletes ended calls (completed or failed) created
 * more than DAYS days ago, their transcript turns (ON DELETE CASCADE) and their recordings stored
 * in PostgreSQL, and the processed or ignored inbox rows received more than DAYS days ago, through
 * the tables' owners (the statements the reconciler's DATA_RETENTION_DAYS pass runs). Recordings in
 * S3 are left to AUDIO_RETENTION_DAYS and counted. Pending and failed inbox rows and unfinished
 * calls are kept: they are work not done. One transaction; {@code --dry-run} runs the same
 * statements and rolls back, so its counts are exactly what would go.
 */
@Command(
    name = "purge",
    description =
        "Delete ended calls (with their transcripts and audio) and applied inbox "
            + "rows older than DAYS days; --dry-run prints the counts only.")
final class PurgeCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(
      names = "--older-than",
      required = true,
      paramLabel = "DAYS",
      description = "age in days (at least 1) of the oldest data kept")
  int days;

  @Option(names = "--dry-run", description = "count what would be deleted, delete nothing")
  boolean dryRun;

  PurgeCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (days < 1) {
      throw new Cli.Usage("--older-than must be at least 1 day");
    }
    Config.Database db = cli.migratedDatabase();
    try (Connection c = Cli.jdbc(db)) {
      c.setAutoCommit(false);
      CallRepository.Purged calls = CallRepository.purgeEnded(c, days, Integer.MAX_VALUE);
      AudioRepository.Purged audio = AudioRepository.purgeKeys(c, calls.audioKeys());
      int inbox = InboxRepository.purgeApplied(c, days, Integer.MAX_VALUE);
      if (dryRun) {
        c.rollback();
      } else {
        c.commit();
      }
      cli.out.printf(
          "%s calls=%d transcriptions=%d inbox_rows=%d recordings=%d (older than %d days)%s%n",
          dryRun ? "would delete" : "deleted",
          calls.calls(),
          calls.transcriptions(),
          inbox,
          audio.deleted(),
          days,
          audio.s3Left() == 0
              ? ""
              : "; " + audio.s3Left() + " recordings in S3 left to AUDIO_RETENTION_DAYS");
      return 0;
    } catch (SQLException e) {
      throw new Cli.Failure("purge: " + Main.rootMessage(e));
    }
  }
}
