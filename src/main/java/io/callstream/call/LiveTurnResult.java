package io.callstream.call;

import io.callstream.call.TranscriptRepository.StoredTurn;

/**
 * What became of one live turn: stored (new or a redelivery), or refused because its call is
 * unknown or ended.
 */
public sealed interface LiveTurnResult {
  /** The turn as stored; {@code turn.created()} is false for a redelivery of a stored turn. */
  record Stored(StoredTurn turn) implements LiveTurnResult {}

  /** No call has the turn's call_sid or conversation_id. */
  record UnknownCall() implements LiveTurnResult {}

  /** The call has ended ({@code status} is completed or failed): it takes no new turns. */
  record CallEnded(String status) implements LiveTurnResult {}
}
