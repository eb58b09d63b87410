package io.callstream.webhook;

import io.callstream.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Applies post-call data to calls: the post-call webhook, the calls API's backfill and the inbox's parked events
 * all go through here, so they behave identically (idempotent; events published only when something changed).
 */
public final class PostCallService {
  /** What applying did. */
  public enum Outcome { APPLIED, UNCHANGED, UNKNOWN_CALL }

  private final Vertx vertx;
  private final Services services;

  public PostCallService(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  /**
   * Applies a {@code post_call_transcription} {@code data} object (same shape as ElevenLabs' GET conversation
   * response) with its event timestamp (unix seconds), exactly as the webhook does.
   */
  public Future<Outcome> applyConversation(JsonObject data, long eventTimestamp) {
    return Future.failedFuture("not implemented yet (webhooks issue)");
  }

  /**
   * Applies every inbox event still pending for this conversation id or callstream call_sid (either may be null).
   * The calls API calls this when it learns a call's conversation id. Returns how many events were applied.
   */
  public Future<Integer> applyPending(String conversationId, String callSid) {
    return Future.failedFuture("not implemented yet (webhooks issue)");
  }
}
