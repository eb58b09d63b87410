package io.callstream.app;

import io.callstream.config.Config;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code purge --older-than DAYS [--dry-run]}: deletes ended calls (completed or failed) created more than DAYS
 * days ago, with everything that references them through {@code ON DELETE CASCADE} (their transcript turns, and
 * any table added later with such a foreign key, e.g. stored audio), and the processed or ignored inbox rows
 * received more than DAYS days ago. Pending and failed inbox rows and unfinished calls are kept: they are work not
 * done. One transaction; {@code --dry-run} counts without deleting.
 */
@Command(name = "purge", description = "Delete ended calls (with their transcripts and audio) and applied inbox "
    + "rows older than DAYS days; --dry-run prints the counts only.")
final class PurgeCommand implements Callable<Integer> {
  private static final String ENDED_CALLS = "FROM calls WHERE created_at < now() - make_interval(days => ?) "
      + "AND status IN ('completed', 'failed')";
  private static final String DONE_INBOX = "FROM webhook_events WHERE received_at < now() - make_interval(days => ?) "
      + "AND status IN ('processed', 'ignored')";
  private static final String COUNT_CALLS = "SELECT count(*) " + ENDED_CALLS;
  private static final String COUNT_TURNS = "SELECT count(*) FROM transcriptions WHERE call_id IN (SELECT id "
      + ENDED_CALLS + ")";
  private static final String COUNT_INBOX = "SELECT count(*) " + DONE_INBOX;
  private static final String DELETE_CALLS = "DELETE " + ENDED_CALLS;
  private static final String DELETE_INBOX = "DELETE " + DONE_INBOX;

  private final Cli cli;

  @Option(names = "--older-than", required = true, paramLabel = "DAYS",
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
      long calls = count(c, COUNT_CALLS);
      long turns = count(c, COUNT_TURNS);
      long inbox = count(c, COUNT_INBOX);
      if (!dryRun) {
        calls = update(c, DELETE_CALLS);
        inbox = update(c, DELETE_INBOX);
      }
      c.commit();
      cli.out.printf("%s calls=%d transcriptions=%d inbox_rows=%d (older than %d days)%n",
          dryRun ? "would delete" : "deleted", calls, turns, inbox, days);
      return 0;
    } catch (SQLException e) {
      throw new Cli.Failure("purge: " + Main.rootMessage(e));
    }
  }

  private long count(Connection c, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, days);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private long update(Connection c, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setInt(1, days);
      return s.executeUpdate();
    }
  }
}
