package io.callstream.webhook;

import io.callstream.call.Call;
import io.callstream.call.LiveTurn;
import io.callstream.call.LiveTurnResult;
import io.callstream.call.TranscriptRepository.StoredTurn;
import io.callstream.events.CallEvent;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.events.TranscriptionEvent;
import io.vertx.core.eventbus.EventBus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where stored live turns become events: the node's live-turn writer calls it with each committed
 * statement (see {@link io.callstream.call.LiveTurnWriter#onCommitted}). Each newly stored turn
 * gives its {@code transcription} event, preceded by {@code call_status in_progress} when it
 * started the call; a redelivered turn (a duplicate) gives nothing. With {@code batches}
 * (EVENT_BUS_BATCHES) one statement's events leave as one message on {@link
 * CallEvents#BATCH_ADDRESS}; without, one message each on {@link CallEvents#ADDRESS}, which nodes
 * from before batches read too.
 */
public final class LiveTurnEvents implements BiConsumer<List<LiveTurn>, List<LiveTurnResult>> {
  private final EventBus bus;
  private final boolean batches;

  public LiveTurnEvents(EventBus bus, boolean batches) {
    this.bus = bus;
    this.batches = batches;
    if (batches) {
      CallEvents.registerCodec(bus);
    }
  }

  @Override
  public void accept(List<LiveTurn> requests, List<LiveTurnResult> results) {
    List<CallEvent> events = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i) instanceof LiveTurnResult.Stored s && s.turn().created()) {
        add(events, requests.get(i), s.turn());
      }
    }
    if (batches) {
      CallEvents.publishBatch(bus, events);
    } else {
      CallEvents.publishAll(bus, events);
    }
  }

  private static void add(List<CallEvent> events, LiveTurn turn, StoredTurn stored) {
    if (stored.started()) {
      events.add(
          new CallStatusEvent(
              stored.callId(),
              stored.callSid(),
              stored.conversationId(),
              Call.IN_PROGRESS,
              Instant.now()));
    }
    events.add(
        new TranscriptionEvent(
            stored.callId(),
            stored.callSid(),
            stored.conversationId(),
            stored.transcriptionId(),
            stored.sequenceNumber(),
            turn.speaker(),
            turn.message(),
            stored.spokenAt()));
  }
}
