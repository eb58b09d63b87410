package io.callstream.call;

import io.callstream.db.DatabaseErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.logging.Logger;

/**
 * Keeps the full-text index of the transcript turns ({@code transcriptions_search_idx}, V10) out of
 * the webhook path. Each live turn's row adds its words to the GIN index's pending list; when the
 * list passes {@code gin_pending_list_limit} (4 MB, about 15,000 turns) the insert that notices
 * merges the whole list into the index inside its own statement. Measured (issue 21, auto_explain):
 * a one-row batch took 100-340 ms and 94,000 buffer reads that way, every few seconds under load;
 * the batch meanwhile held its calls' row locks, so the other nodes' batches for those calls waited
 * too, and every webhook of both nodes was answered late together: the stall.
 *
 * <p>Every SEARCH_INDEX_FLUSH_MS (default 1000; 0 = off) this runs {@code gin_clean_pending_list}
 * on a pool connection instead, so the list stays far below the limit and no insert ever merges it.
 * The merge is the same work, done in bulk in the background. Safe on every node at once (a second
 * merge waits for the first and finds the list empty). The database role must own the index (it
 * does when the nodes ran the migrations); if not, the upkeep logs it once and stops, and the
 * inserts merge as before.
 */
public final class SearchIndexUpkeep {
  private static final Logger LOG = Logger.getLogger(SearchIndexUpkeep.class.getName());
  private static final String INSUFFICIENT_PRIVILEGE = "42501";

  private final Vertx vertx;
  private final Pool pool;
  private final long intervalMs;
  private final TranscriptRepository transcripts = new TranscriptRepository();
  private final Counter pages;
  private boolean stopped;
  private boolean failing;
  private long timer = -1;

  public SearchIndexUpkeep(Vertx vertx, Pool pool, long intervalMs, MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.intervalMs = intervalMs;
    this.pages =
        Counter.builder("callstream_search_index_flushed_pages")
            .description(
                "pending-list pages of the transcript search index merged in the background")
            .register(registry);
  }

  /** Schedules the passes (none when the interval is 0); call on the owning verticle's context. */
  public void start() {
    if (intervalMs > 0) {
      schedule();
    }
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(intervalMs, t -> flush().onComplete(done -> schedule()));
    }
  }

  /**
   * One pass: the pending-list pages merged. Never fails: an error is logged (once until a pass
   * succeeds again); without the privilege the upkeep stops.
   */
  public Future<Long> flush() {
    return transcripts
        .cleanSearchPending(pool)
        .onSuccess(
            n -> {
              failing = false;
              pages.increment(n);
            })
        .recover(
            e -> {
              if (INSUFFICIENT_PRIVILEGE.equals(DatabaseErrors.sqlState(e))) {
                stopped = true;
                LOG.warning(
                    "search index upkeep stopped: the database role does not own"
                        + " transcriptions_search_idx ("
                        + e.getMessage()
                        + "); inserts merge its pending list themselves");
              } else if (!failing) {
                failing = true;
                LOG.warning("search index upkeep failed (retried): " + e.getMessage());
              }
              return Future.succeededFuture(0L);
            });
  }
}
