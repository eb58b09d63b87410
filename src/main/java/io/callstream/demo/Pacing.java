package io.callstream.demo;

import java.util.Random;

/**
 * The pause between two simulated turns: uniformly between minMs and maxMs (1-4 s in a demo, ~10 ms
 * in tests).
 */
public record Pacing(int minMs, int maxMs) {
  public Pacing {
    if (minMs < 1 || maxMs < minMs) {
      throw new IllegalArgumentException(
          "pacing must satisfy 1 <= min <= max, got " + minMs + "-" + maxMs);
    }
  }

  public long next(Random random) {
    return minMs + (maxMs == minMs ? 0 : random.nextInt(maxMs - minMs + 1));
  }

  @Override
  public String toString() {
    return minMs == maxMs ? minMs + " ms" : minMs + "-" + maxMs + " ms";
  }
}
