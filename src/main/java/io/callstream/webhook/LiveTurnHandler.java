package io.callstream.webhook;

import io.callstream.call.LiveTurn;
import io.callstream.call.LiveTurnResult;
import io.callstream.call.NodeTurnWriter;
import io.callstream.call.TranscriptRepository.StoredTurn;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.callstream.webhook.WebhookOutcome.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * POST /webhooks/elevenlabs/transcription: one live turn. Before the body is read, the signature
 * header (or bearer token) must be well-formed (else 401) and a body over {@link
 * LargeBodies#THRESHOLD} or of unknown length needs one of the node's large-body permits (else
 * 503); the body (at most 1 MiB) is then read with its signature checked over the raw bytes,
 * parsed, stored by the node's {@link NodeTurnWriter} (turns arriving while a write is in flight
 * share the next statement and commit), answered only after its own row committed; the writer
 * publishes its {@code transcription} event on commit ({@link LiveTurnEvents}).
 */
final class LiveTurnHandler {
  private static final String TYPE = "live_turn";

  private final Vertx vertx;
  private final WebhookAuth auth;
  private final LargeBodies largeBodies;
  private final Path spoolDir;
  private final NodeTurnWriter writer;
  private final WebhookDeadline deadline;

  /**
   * The node's one writer: turns arriving on every verticle instance meanwhile share its next
   * batch.
   */
  LiveTurnHandler(
      Vertx vertx,
      WebhookAuth auth,
      LargeBodies largeBodies,
      Path spoolDir,
      NodeTurnWriter writer,
      WebhookDeadline deadline) {
    this.vertx = vertx;
    this.auth = auth;
    this.largeBodies = largeBodies;
    this.spoolDir = spoolDir;
    this.writer = writer;
    this.deadline = deadline;
  }

  /**
   * A failed future refuses a delivery before its body was read and verified (its type is then
   * unknown).
   */
  Future<WebhookOutcome> handle(HttpServerRequest request) {
    LargeBodies.Permit permit = largeBodies.permit();
    return Future.succeededFuture(request)
        .map(auth::signatureOrBearer) // 401 before the body is read
        .compose(
            check ->
                admitted(request, permit)
                    ? WebhookBody.read(
                        vertx, request, check, WebhookBody.MEMORY_LIMIT, spoolDir, permit)
                    : Future.failedFuture(WebhookBody.tooManyLarge()))
        .recover(LiveTurnHandler::tooLarge)
        .compose(this::parseAndStore)
        .andThen(done -> permit.release());
  }

  /** A body over {@link LargeBodies#THRESHOLD}, or of unknown length, needs a large-body permit. */
  private static boolean admitted(HttpServerRequest request, LargeBodies.Permit permit) {
    long declared = WebhookBody.declaredLength(request);
    boolean hasBody =
        declared > 0 || declared < 0 && request.getHeader("Transfer-Encoding") != null;
    return !hasBody || declared >= 0 && declared <= LargeBodies.THRESHOLD || permit.acquire();
  }

  private Future<WebhookOutcome> parseAndStore(WebhookBody body) {
    LiveTurn turn;
    try {
      turn = LiveTurnBody.parse(json(body.bytes()));
    } catch (RuntimeException e) { // a Failure (400) or a fault: either way this delivery's
      return Future.succeededFuture(new WebhookOutcome.Refused(new Delivery(TYPE, null, null), e));
    }
    return store(turn);
  }

  private Future<WebhookOutcome> store(LiveTurn turn) {
    Delivery delivery = new Delivery(TYPE, turn.conversationId(), turn.callSid());
    // published by the writer when committed (LiveTurnEvents), even after the deadline answered
    // 503: the retry then finds a duplicate
    Future<StoredTurn> write =
        writer
            .write(turn, deadline.deadlineNanos())
            .recover(WebhookErrors::badDataIsBadRequest)
            .compose(LiveTurnHandler::storedOrRefused);
    return deadline
        .answerBy(write)
        .<WebhookOutcome>map(
            stored ->
                new WebhookOutcome.Answered(
                    delivery,
                    !stored.created(),
                    false,
                    Responses.success()
                        .put("transcription_id", stored.transcriptionId())
                        .put("sequence_number", stored.sequenceNumber())
                        .put("duplicate", !stored.created())))
        .otherwise(e -> new WebhookOutcome.Refused(delivery, e));
  }

  /** Over 1 MiB: the answer a body limit has always given here. */
  private static Future<WebhookBody> tooLarge(Throwable e) {
    return Future.failedFuture(
        e instanceof Failure f && f.is(Failure.Kind.TOO_LARGE)
            ? Failure.tooLarge("request body too large")
            : e);
  }

  static JsonObject json(Buffer bytes) {
    try {
      JsonObject body = (JsonObject) Json.decodeValue(bytes);
      if (body == null) {
        throw Failure.invalid("a JSON object body is required");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw Failure.invalid("body is not a JSON object");
    }
  }

  private static Future<StoredTurn> storedOrRefused(LiveTurnResult result) {
    if (result instanceof LiveTurnResult.Stored stored) {
      return Future.succeededFuture(stored.turn());
    }
    if (result instanceof LiveTurnResult.CallEnded ended) {
      return Future.failedFuture(Failure.invalid("call already ended (" + ended.status() + ")"));
    }
    return Future.failedFuture(Failure.invalid("unknown call"));
  }
}
