package io.callstream.bench;

import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * heap_per_idle_socket: the server's heap after full GCs with {@code small} open, confirmed, idle
 * sockets and again with {@code large}; the difference divided by the extra sockets is the heap one
 * idle socket costs.
 */
final class HeapBench {
  record Result(long heapSmall, long heapLarge, double bytesPerSocket) {}

  private HeapBench() {}

  /**
   * The classes whose live bytes grew most between the two counts, per added socket (the profile of
   * the figure).
   */
  static void printTopGrowth(
      String server, Map<String, long[]> before, Map<String, long[]> after, int sockets) {
    System.out.println(
        "  " + server + ": live bytes per added socket, by class (jcmd GC.class_histogram):");
    after.entrySet().stream()
        .map(
            e ->
                Map.entry(
                    e.getKey(),
                    new long[] {
                      e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                      e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]
                    }))
        .filter(e -> e.getValue()[1] > 0)
        .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
        .limit(15)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %8.1f B  %5.2f objects  %s%n",
                    e.getValue()[1] / (double) sockets,
                    e.getValue()[0] / (double) sockets,
                    e.getKey()));
  }

  static Result run(
      SocketFleet fleet,
      JavaProc server,
      String uri,
      IntFunction<String> message,
      int small,
      int large)
      throws Exception {
    SocketFleet.FrameListener ignore = (socket, text, nanos) -> {};
    fleet.open(server.port, uri, 0, small, message, ignore, 120);
    long heapSmall = server.heapAfterGc();
    Map<String, long[]> before = server.classHistogram();
    fleet.open(server.port, uri, small, large - small, message, ignore, 300);
    long heapLarge = server.heapAfterGc();
    Map<String, long[]> after = server.classHistogram();
    fleet.closeAll(60);
    printTopGrowth(server.name, before, after, large - small);
    return new Result(heapSmall, heapLarge, (heapLarge - heapSmall) / (double) (large - small));
  }
}
