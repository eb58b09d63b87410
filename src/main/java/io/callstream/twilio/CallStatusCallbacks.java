package io.callstream.twilio;

import io.callstream.call.Call;
import io.callstream.call.CallRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.Set;

/**
 * Twilio's call status callback for inbound calls. {@code in-progress} moves an initiated call to
 * in_progress (and starts its recording); {@code completed} completes it and busy, no-answer,
 * failed, canceled fail it (reason = Twilio's status), unless it already ended: the post-call
 * webhook's data is never overwritten, Twilio only fills an end time or duration still missing.
 * Whichever of the two arrives later fills what the other left empty.
 */
final class CallStatusCallbacks {
  /** What a callback did. */
  enum Outcome {
    APPLIED,
    UNCHANGED,
    UNKNOWN_CALL
  }

  static final Set<String> FAILED_STATES = Set.of("busy", "no-answer", "failed", "canceled");

  private final Pool pool;
  private final CallPublisher publisher;
  private final Recordings recordings;
  private final CallRepository calls = new CallRepository();

  CallStatusCallbacks(Pool pool, CallPublisher publisher, Recordings recordings) {
    this.pool = pool;
    this.publisher = publisher;
    this.recordings = recordings;
  }

  /** {@code duration} is Twilio's CallDuration (seconds), null when absent. */
  Future<Outcome> apply(String callSid, String twilioStatus, Integer duration, String publicBase) {
    if ("in-progress".equals(twilioStatus)) {
      return calls
          .markInboundAnswered(pool, callSid)
          .compose(
              moved -> {
                moved.ifPresent(publisher::status);
                return recordings
                    .start(callSid, publicBase)
                    .compose(
                        v ->
                            moved.isPresent()
                                ? Future.succeededFuture(Outcome.APPLIED)
                                : known(callSid));
              });
    }
    if ("completed".equals(twilioStatus)) {
      return end(callSid, Call.COMPLETED, null, duration);
    }
    if (FAILED_STATES.contains(twilioStatus)) {
      return end(callSid, Call.FAILED, twilioStatus, duration);
    }
    return known(callSid); // queued, ringing, initiated: nothing to record
  }

  private Future<Outcome> end(String callSid, String status, String reason, Integer duration) {
    return calls
        .endInbound(pool, callSid, status, reason, duration)
        .compose(
            ended -> {
              if (ended.isPresent()) {
                publisher.ended(ended.get());
                return Future.succeededFuture(Outcome.APPLIED);
              }
              return calls
                  .fillInboundEnd(pool, callSid, duration)
                  .compose(
                      filled ->
                          filled.isPresent()
                              ? Future.succeededFuture(Outcome.UNCHANGED)
                              : known(callSid));
            });
  }

  private Future<Outcome> known(String callSid) {
    return calls
        .findByIdentifier(pool, callSid)
        .map(Optional::isPresent)
        .map(found -> found ? Outcome.UNCHANGED : Outcome.UNKNOWN_CALL);
  }
}
