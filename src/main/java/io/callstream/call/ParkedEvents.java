package io.callstream.call;

import io.vertx.core.Future;

/**
 * Post-call events that arrived before callstream knew their call (parked, answered 404 so ElevenLabs keeps them
 * too). Owned by the call domain, implemented by the webhook role's inbox and wired in by the assembly, so that a
 * call start can apply what was parked for it without the call package knowing about webhooks.
 */
public interface ParkedEvents {
  /** Applies every event still parked for this conversation id or call_sid (either may be null); how many. */
  Future<Integer> applyParked(String conversationId, String callSid);

  /** For a node without the webhook role (nothing is parked there). */
  ParkedEvents NONE = (conversationId, callSid) -> Future.succeededFuture(0);
}
