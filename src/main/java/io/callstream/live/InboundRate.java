package io.callstream.live;

/**
 * A socket's inbound message budget: a burst of {@code capacity} messages, refilled at one per
 * {@link #REFILL_MS}. Event-loop confined.
 */
final class InboundRate {
  static final int BURST = 20;
  private static final int REFILL_MS = 100;

  private final int capacity;
  private long refilledAt = System.currentTimeMillis();
  private int credits;

  InboundRate(int maxSubscriptions) {
    this.capacity = maxSubscriptions + BURST;
    this.credits = capacity;
  }

  /** Takes one credit; false when none is left. */
  boolean allow() {
    long now = System.currentTimeMillis();
    long refill = (now - refilledAt) / REFILL_MS;
    if (refill > 0) {
      credits = (int) Math.min(capacity, credits + refill);
      refilledAt += refill * REFILL_MS;
    }
    if (credits == 0) {
      return false;
    }
    credits--;
    return true;
  }
}
