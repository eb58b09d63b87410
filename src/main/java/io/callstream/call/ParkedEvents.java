package io.callstream.call;

import io.vertx.core.Future;
import java.util.List;

/**
 * Post-call events that arrived before callstream knew their call (parked, answered 404 so
 * ElevenLabs keeps them too). Owned by the call domain, implemented by the webhook role's inbox
 * (the owner of {@code webhook_events}) and wired in by the assembly, so that a call start and the
 * reconciler can apply, count and expire what was parked without knowing about webhooks.
 */
public interface ParkedEvents {
  /** The identifiers of parked events whose call exists now (either may be null). */
  record Key(String conversationId, String callSid) {}

  /**
   * The inbox backlog: parked (pending) rows, the age of the oldest (0 when none), and failed rows.
   */
  record Backlog(long pending, double oldestAgeSeconds, long failed) {}

  /**
   * Applies every event still parked for this conversation id or call_sid (either may be null); how
   * many.
   */
  Future<Integer> applyParked(String conversationId, String callSid);

  /** At most {@code limit} keys of parked events whose call now exists, oldest first. */
  default Future<List<Key>> withCall(int limit) {
    return Future.succeededFuture(List.of());
  }

  /** Expires at most {@code limit} events parked longer than {@code retentionHours}; how many. */
  default Future<Integer> expire(int retentionHours, int limit) {
    return Future.succeededFuture(0);
  }

  /**
   * Deletes at most {@code limit} applied (processed or ignored) inbox rows received more than
   * {@code days} days ago, oldest first: the reconciler's DATA_RETENTION_DAYS pass; how many.
   */
  default Future<Integer> purgeApplied(int days, int limit) {
    return Future.succeededFuture(0);
  }

  default Future<Backlog> backlog() {
    return Future.succeededFuture(new Backlog(0, 0, 0));
  }

  /** For a node without the webhook role (nothing is parked there). */
  ParkedEvents NONE = (conversationId, callSid) -> Future.succeededFuture(0);
}
