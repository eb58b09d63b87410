package io.callstream.bench;

import java.util.function.IntFunction;

/**
 * heap_per_idle_socket: the server's heap after full GCs with {@code small} open, confirmed, idle sockets and again
 * with {@code large}; the difference divided by the extra sockets is the heap one idle socket costs.
 */
final class HeapBench {
  record Result(long heapSmall, long heapLarge, double bytesPerSocket) {}

  private HeapBench() {}

  static Result run(SocketFleet fleet, JavaProc server, String uri, IntFunction<String> message, int small, int large)
      throws Exception {
    SocketFleet.FrameListener ignore = (socket, text, nanos) -> { };
    fleet.open(server.port, uri, 0, small, message, ignore, 120);
    long heapSmall = server.heapAfterGc();
    fleet.open(server.port, uri, small, large - small, message, ignore, 300);
    long heapLarge = server.heapAfterGc();
    fleet.closeAll(60);
    return new Result(heapSmall, heapLarge, (heapLarge - heapSmall) / (double) (large - small));
  }
}
