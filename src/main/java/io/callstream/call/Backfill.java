package io.callstream.call;

import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * Backfill: pulls a conversation from ElevenLabs ({@code GET /v1/convai/conversations/{id}}) and
 * applies it through {@link CallCompletions#apply}, the very code path of a {@code
 * post_call_transcription} webhook (idempotent; events are published only when something changed).
 */
public final class Backfill {
  /** ElevenLabs conversation statuses after which the post-call data is final. */
  private static final Set<String> FINISHED = Set.of("done", "failed");

  private final ElevenLabsClient elevenLabs;
  private final CallCompletions completions;

  /** What a backfill did, and the call afterwards. */
  public record Result(CallCompletions.Outcome outcome, Call call) {}

  public Backfill(ElevenLabsClient elevenLabs, CallCompletions completions) {
    this.elevenLabs = elevenLabs;
    this.completions = completions;
  }

  /**
   * Fails with Failure 404 (unknown to ElevenLabs or to callstream), 409 (not finished yet) or 502.
   */
  public Future<Result> fetch(String conversationId) {
    return elevenLabs
        .conversation(conversationId)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof ElevenLabsException x
                            && x.kind() == ElevenLabsException.Kind.NOT_FOUND
                        ? Failure.notFound("ElevenLabs knows no conversation " + conversationId)
                        : Failure.upstream("ElevenLabs API failed: " + e.getMessage())))
        .compose(data -> apply(conversationId, data));
  }

  private Future<Result> apply(String conversationId, JsonObject data) {
    if (!conversationId.equals(data.getString("conversation_id"))) {
      return Future.failedFuture(Failure.upstream("ElevenLabs answered with another conversation"));
    }
    String status = data.getString("status");
    if (status != null && !FINISHED.contains(status)) {
      return Future.failedFuture(
          Failure.conflict(
              "conversation "
                  + conversationId
                  + " is not finished yet (status "
                  + status
                  + "); post-call data is final only when it is done"));
    }
    PostCallEvent event = PostCallEvent.of(PostCallEvent.TRANSCRIPTION, eventTimestamp(data), data);
    // the application locked the call and returns it as it is afterwards: no second read
    return completions
        .apply(event)
        .compose(
            applied ->
                applied.outcome() == CallCompletions.Outcome.UNKNOWN_CALL
                    ? Future.failedFuture(
                        Failure.notFound(
                                "callstream knows no call for conversation " + conversationId)
                            .withCode(ErrorCode.CALL_NOT_FOUND))
                    : Future.succeededFuture(new Result(applied.outcome(), applied.call())));
  }

  /**
   * The webhook's event_timestamp equivalent: when the call ended according to the conversation's
   * metadata ({@code start_time_unix_secs + call_duration_secs}), else now.
   */
  static long eventTimestamp(JsonObject data) {
    JsonObject metadata = data.getValue("metadata") instanceof JsonObject m ? m : new JsonObject();
    if (metadata.getValue("start_time_unix_secs") instanceof Number start) {
      long duration =
          metadata.getValue("call_duration_secs") instanceof Number d ? d.longValue() : 0;
      return start.longValue() + duration;
    }
    return Instant.now().getEpochSecond();
  }
}
