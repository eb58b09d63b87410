package io.callstream.webhook;

import io.callstream.call.CallCompletions;
import io.callstream.call.CallCompletions.Applied;
import io.callstream.call.ParkedEvents;
import io.callstream.call.PostCallEvent;
import io.callstream.db.DatabaseErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The webhook role's inbox of post-call events: every verified body is stored in {@code
 * webhook_events} in the same transaction as its effects (applied through the call domain's {@link
 * CallCompletions}); a redelivery is recognised by the SHA-256 of its bytes. An event for a call
 * callstream does not know yet stays parked (pending) and is applied when the call start learns its
 * conversation id ({@link #applyParked}).
 */
public final class PostCallInbox implements ParkedEvents {
  private static final Logger LOG = Logger.getLogger(PostCallInbox.class.getName());

  /**
   * What happened to one webhook delivery: applied (the call changed), unchanged (already applied),
   * parked (no such call yet), duplicate (these exact bytes were stored before), ignored (a type
   * callstream does not apply).
   */
  public enum Receipt {
    APPLIED,
    UNCHANGED,
    PARKED,
    DUPLICATE,
    IGNORED
  }

  private final Pool pool;
  private final CallCompletions completions;
  private final boolean announces;
  private final InboxRepository inbox = new InboxRepository();

  public PostCallInbox(Pool pool, CallCompletions completions) {
    this(pool, completions, true);
  }

  /**
   * {@code announces} false (the operator's {@code inbox retry}, run outside the cluster): applied
   * bodies are stored and marked processed but nothing is published and published_at stays empty,
   * so a later redelivery of the same bytes announces the call's end as for a node that died before
   * publishing.
   */
  public PostCallInbox(Pool pool, CallCompletions completions, boolean announces) {
    this.pool = pool;
    this.completions = completions;
    this.announces = announces;
  }

  /**
   * The operator's retry of a failed inbox row: its stored bytes through {@link #receive} again,
   * exactly as a redelivery of the webhook would go (the row is found by its SHA-256, seen as
   * failed, applied, marked processed). A body that does not parse fails with the parser's reason.
   */
  public Future<Receipt> redeliver(Buffer raw, String sha256) {
    JsonObject json;
    try {
      json = raw.toJsonObject();
    } catch (RuntimeException e) {
      return Future.failedFuture(
          new IllegalArgumentException("the stored body is not a JSON object: " + e.getMessage()));
    }
    PostCallEvent event;
    try {
      event = PostCallBody.parse(json);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return receive(event, json, raw, sha256);
  }

  /**
   * The failed rows (one, or all when {@code id} is null), oldest first, with what {@link
   * #redeliver} needs.
   */
  public Future<java.util.List<InboxRepository.Failed>> failed(Long id) {
    return inbox.failed(pool, id);
  }

  /**
   * A verified post-call webhook: stored in the inbox and applied in one transaction, then
   * published. A body that fails for another reason than an unavailable database is kept on its own
   * as {@code failed} (never lost; its redelivery tries again). A redelivery of a body applied
   * earlier whose events were never published (its node died between the commit and the publish: no
   * {@code published_at}) re-publishes the call's final call_status and call_completed, so
   * dashboards still learn the end of the call; receivers ignore what they delivered.
   */
  public Future<Receipt> receive(PostCallEvent event, JsonObject body, Buffer raw, String sha256) {
    String status = event.known() ? InboxRepository.PENDING : InboxRepository.IGNORED;
    return pool.withTransaction(
            conn ->
                inbox
                    .store(conn, event, body, sha256, status)
                    .compose(
                        entry -> {
                          boolean retry = InboxRepository.FAILED.equals(entry.status());
                          if (!InboxRepository.PENDING.equals(entry.status()) && !retry) {
                            return Future.succeededFuture(
                                new Delivered(
                                    entry.fresh() ? Receipt.IGNORED : Receipt.DUPLICATE,
                                    null,
                                    entry.id(),
                                    entry.unannounced()));
                          }
                          return completions
                              .applyWithin(conn, event)
                              .compose(applied -> markApplied(conn, entry.id(), applied));
                        }))
        .recover(e -> keepFailed(event, body, raw, sha256, e))
        .compose(
            delivered -> {
              // committed: now the events may go out
              if (!announces) {
                return Future.succeededFuture(delivered);
              } else if (delivered.applied() != null) {
                completions.publish(delivered.applied());
                markPublished(delivered);
              } else if (delivered.unannounced() && event.known()) {
                return completions
                    .republishEnd(event)
                    .map(
                        v -> {
                          markPublished(delivered);
                          return delivered;
                        });
              }
              return Future.succeededFuture(delivered);
            })
        .map(
            delivered -> {
              Receipt receipt = delivered.receipt();
              if (receipt == Receipt.IGNORED) {
                LOG.info(
                    () ->
                        "post-call webhook of unknown type '"
                            + event.type()
                            + "' acknowledged and kept in "
                            + "the inbox (conversation "
                            + event.conversationId()
                            + ")");
              }
              return receipt;
            });
  }

  /**
   * Stores the summary of a verified audio delivery (its audio is in the audio store, not the
   * inbox); fresh?
   */
  public Future<Boolean> receiveAudio(PostCallEvent event, JsonObject summary, String sha256) {
    return inbox
        .store(pool, event, summary, sha256, InboxRepository.PROCESSED)
        .map(InboxRepository.Entry::fresh);
  }

  @Override
  public Future<Integer> applyParked(String conversationId, String callSid) {
    return inbox
        .pendingIds(pool, conversationId, callSid)
        .compose(
            ids -> {
              Future<Integer> count = Future.succeededFuture(0);
              for (long id : ids) {
                count = count.compose(n -> applyParked(id).map(applied -> applied ? n + 1 : n));
              }
              return count;
            });
  }

  @Override
  public Future<List<Key>> withCall(int limit) {
    return inbox.parkedWithCall(pool, limit);
  }

  @Override
  public Future<Integer> expire(int retentionHours, int limit) {
    return inbox.expireParked(pool, retentionHours, limit);
  }

  @Override
  public Future<Integer> purgeApplied(int days, int limit) {
    return InboxRepository.purgeApplied(pool, days, limit);
  }

  @Override
  public Future<Backlog> backlog() {
    return inbox.backlog(pool);
  }

  /** One parked event, if it is still pending (another node may have applied it meanwhile). */
  private Future<Boolean> applyParked(long id) {
    return pool.withTransaction(
            conn ->
                inbox
                    .lockPending(conn, id)
                    .compose(
                        pending -> {
                          if (pending.isEmpty()) {
                            return Future.succeededFuture(Optional.<Applied>empty());
                          }
                          JsonObject body = pending.get().body();
                          PostCallEvent event =
                              PostCallEvent.of(
                                  pending.get().type(),
                                  pending.get().eventTimestamp(),
                                  body.getValue("data") instanceof JsonObject d
                                      ? d
                                      : new JsonObject());
                          return completions
                              .applyWithin(conn, event)
                              .compose(
                                  applied ->
                                      markApplied(conn, id, applied)
                                          .map(r -> Optional.of(applied)));
                        }))
        .map(
            applied ->
                applied
                    .map(completions::publish)
                    .map(
                        a -> {
                          if (a.outcome() == CallCompletions.Outcome.UNKNOWN_CALL) {
                            return false;
                          }
                          markPublished(id);
                          return true;
                        })
                    .orElse(false));
  }

  /**
   * Keeps the body as failed (own transaction) unless the database is down, then fails as before.
   */
  private Future<Delivered> keepFailed(
      PostCallEvent event, JsonObject body, Buffer raw, String sha256, Throwable failure) {
    if (DatabaseErrors.unavailable(failure) || raw == null) {
      return Future.failedFuture(failure);
    }
    String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    JsonObject storable = DatabaseErrors.badData(failure) ? null : body;
    return inbox
        .keepFailed(pool, event, storable, raw, sha256, error)
        .recover(
            e -> {
              LOG.severe(
                  "a post-call body (sha256 "
                      + sha256
                      + ") failed and could not be kept: "
                      + e.getMessage());
              return Future.succeededFuture();
            })
        .compose(v -> Future.failedFuture(failure));
  }

  /**
   * The inbox row is processed once the call was found; an unknown call leaves it pending (parked).
   */
  private Future<Delivered> markApplied(SqlConnection conn, long inboxId, Applied applied) {
    if (applied.outcome() == CallCompletions.Outcome.UNKNOWN_CALL) {
      return Future.succeededFuture(new Delivered(Receipt.PARKED, applied, inboxId, false));
    }
    return inbox
        .markProcessed(conn, inboxId)
        .map(
            v ->
                new Delivered(
                    applied.outcome() == CallCompletions.Outcome.APPLIED
                        ? Receipt.APPLIED
                        : Receipt.UNCHANGED,
                    applied,
                    inboxId,
                    false));
  }

  /** After the publish, for a delivery whose call was found. */
  private void markPublished(Delivered delivered) {
    if (delivered.applied() == null
        || delivered.applied().outcome() != CallCompletions.Outcome.UNKNOWN_CALL) {
      markPublished(delivered.inboxId());
    }
  }

  /** A failure here only means a later redelivery may announce the call's end once more. */
  private void markPublished(long inboxId) {
    inbox
        .markPublished(pool, inboxId)
        .onFailure(e -> LOG.warning("inbox row " + inboxId + ": published_at not set: " + e));
  }

  private record Delivered(Receipt receipt, Applied applied, long inboxId, boolean unannounced) {}
}
