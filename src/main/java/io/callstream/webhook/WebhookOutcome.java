package io.callstream.webhook;

import io.callstream.db.DatabaseErrors;
import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.vertx.core.json.JsonObject;

/**
 * What one webhook delivery came to, as its handler returns it: {@link WebhookAnswers} writes the
 * HTTP answer from it and records it (metrics and the webhook log line) in one place. Every outcome
 * carries what the delivery said about itself as far as it was read, and its {@link #label()}: the
 * {@code outcome} label of {@code callstream_webhooks_total} and of the log line (alert rules use
 * these values).
 */
sealed interface WebhookOutcome {
  /**
   * What a delivery said about itself as far as it was read; any field may be null (not read, or
   * absent).
   */
  record Delivery(String type, String conversationId, String callSid) {
    /** Refused before its body was read or parsed. */
    static final Delivery UNREAD = new Delivery(null, null, null);
  }

  Delivery delivery();

  String label();

  /** Stored, or recognised as stored before: 200 with {@code answer}. */
  record Answered(Delivery delivery, boolean duplicate, boolean ignored, JsonObject answer)
      implements WebhookOutcome {
    @Override
    public String label() {
      return duplicate ? "duplicate" : ignored ? "ignored" : "applied";
    }
  }

  /**
   * A post-call event for a call callstream does not know yet: kept in the inbox (applied when the
   * call appears) and answered 404 so that ElevenLabs keeps it too.
   */
  record Parked(Delivery delivery) implements WebhookOutcome {
    @Override
    public String label() {
      return "parked";
    }

    Failure failure() {
      return Failure.notFound(
              "unknown call: the event is kept and will be applied when the call appears")
          .withCode(ErrorCode.CALL_NOT_FOUND);
    }
  }

  /**
   * Refused: the failure is answered by the router's failure handler (its kind decides the status).
   */
  record Refused(Delivery delivery, Throwable failure) implements WebhookOutcome {
    @Override
    public String label() {
      if (failure instanceof Failure f) {
        return switch (f.kind()) {
          case UNAUTHENTICATED -> "rejected_signature";
          case INVALID, TOO_LARGE -> "invalid";
          // the database down or too slow (timeouts, WEBHOOK_DEADLINE_MS, a full writer queue): the
          // sender retries
          case UNAVAILABLE -> "unavailable";
          default -> "failed";
        };
      }
      return DatabaseErrors.unavailable(failure) ? "unavailable" : "failed";
    }

    /** Worth a Retry-After: the sender should come back later. */
    boolean retryable() {
      return failure instanceof Failure f
          ? f.is(Failure.Kind.UNAVAILABLE)
          : DatabaseErrors.unavailable(failure);
    }
  }
}
