package io.callstream.webhook;

import io.callstream.web.NodeLimit;
import io.vertx.core.Vertx;

/**
 * How many large webhook bodies (over {@link #THRESHOLD}) this node is receiving or holding at
 * once, across its verticle instances: at most WEBHOOK_MAX_CONCURRENT_SPOOLS. A large body holds up
 * to 1 MiB of memory, or up to AUDIO_MAX_BYTES of disk once spooled; without a cap any client that
 * sends a signature-shaped header could make the node hold that much per connection. One more is
 * refused with 503, which ElevenLabs retries.
 */
final class LargeBodies {
  /**
   * Bodies up to this size need no permit: live turns and ordinary post-call events are far
   * smaller.
   */
  static final int THRESHOLD = 64 * 1024;

  static final String MAP = "callstream.webhook.large-bodies";
  static final String KEY = "in-progress";

  private final NodeLimit limit;

  LargeBodies(Vertx vertx, int max) {
    this.limit = new NodeLimit(vertx, MAP, max);
  }

  /** One request's claim; {@link #release} is idempotent, so every path out may call it. */
  Permit permit() {
    return new Permit();
  }

  final class Permit {
    private boolean held;

    /**
     * True when held (now or already); false when the node is at its limit. Event-loop confined.
     */
    boolean acquire() {
      if (!held) {
        held = limit.tryAcquire(KEY);
      }
      return held;
    }

    void release() {
      if (held) {
        held = false;
        limit.release(KEY);
      }
    }
  }
}
