package io.callstream.live;

import io.callstream.call.Call;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.vertx.core.json.JsonObject;

/** A received call event as the subscriptions process it: its kind, its sequence number, its frame text. */
record LiveEvent(long callId, Kind kind, int seq, String frame) {
  enum Kind { TRANSCRIPTION, STATUS, FINAL_STATUS, COMPLETED }

  /** Null for an event type this version does not forward. */
  static LiveEvent of(CallEvents.Received r) {
    if (r.isTranscription()) {
      return new LiveEvent(r.callId(), Kind.TRANSCRIPTION, r.sequenceNumber(), r.frame());
    }
    if (r.isCompletion()) {
      return new LiveEvent(r.callId(), Kind.COMPLETED, r.sequenceNumber(), r.frame());
    }
    if (CallStatusEvent.TYPE.equals(r.type())) {
      String status = new JsonObject(r.frame()).getString("status");
      boolean last = Call.COMPLETED.equals(status) || Call.FAILED.equals(status);
      return new LiveEvent(r.callId(), last ? Kind.FINAL_STATUS : Kind.STATUS, 0, r.frame());
    }
    return null;
  }
}
