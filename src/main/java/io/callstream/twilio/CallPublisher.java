package io.callstream.twilio;

import io.callstream.call.Call;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStartedEvent;
import io.callstream.events.CallStatusEvent;
import io.vertx.core.eventbus.EventBus;
import java.time.Instant;

/**
 * Publishes an inbound call's changes after they committed, exactly like the rest of callstream
 * (docs/websocket-api.md).
 */
final class CallPublisher {
  private final EventBus bus;

  CallPublisher(EventBus bus) {
    this.bus = bus;
  }

  /** call_started (the fleet feed) for a call whose row was just written. */
  void started(Call c) {
    CallEvents.publish(
        bus, new CallStartedEvent(c.id(), c.callSid(), c.conversationId(), c.toJson()));
  }

  /** call_status for a call that moved on but has not ended (in_progress). */
  void status(Call c) {
    CallEvents.publish(
        bus,
        new CallStatusEvent(c.id(), c.callSid(), c.conversationId(), c.status(), Instant.now()));
  }

  /** call_status then call_completed for a call that ended (completed or failed). */
  void ended(Call c) {
    CallEvents.publishAll(bus, c.endEvents());
  }
}
