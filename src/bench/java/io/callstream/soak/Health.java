package io.callstream.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The process checks: resources flat over the second half of the run, /metrics never missed while
 * up.
 */
final class Health {
  private Health() {}

  /**
   * Per node, over the samples of the run's second half taken from its last process: least-squares
   * slope per minute of heap after a full GC, open descriptors and threads. Flat means the growth
   * the slope predicts over that window stays under a bound: 10 % of the first value plus 16 MiB of
   * heap, 20 descriptors, 8 threads.
   */
  static Invariants.Result resources(
      Probes probes, Nodes nodes, long fromMillis, List<String> slopes) {
    boolean pass = true;
    List<String> evidence = new ArrayList<>();
    StringBuilder figure = new StringBuilder();
    for (Nodes.Node n : nodes.all()) {
      // a process's first minute is its warm-up (pools, caches, cluster connections), not a trend
      List<Probes.Sample> w =
          probes.window(n.name(), Math.max(fromMillis, n.startedAtMillis + 60_000));
      if (w.size() < 3) {
        String line =
            n.name()
                + ": "
                + w.size()
                + " samples in the second half from its last process after its "
                + "first minute: too few for a slope";
        slopes.add(line);
        figure.append(n.name()).append(" too few samples; ");
        continue;
      }
      double minutes = (w.get(w.size() - 1).atMillis() - w.get(0).atMillis()) / 60_000.0;
      double heap = Probes.slopePerMinute(series(w, 0)) / 1024.0;
      double fds = Probes.slopePerMinute(series(w, 1));
      double threads = Probes.slopePerMinute(series(w, 2));
      Probes.Sample first = w.get(0);
      Probes.Sample last = w.get(w.size() - 1);
      boolean heapFlat = heap * minutes <= first.heapUsedKb() / 1024.0 * 0.10 + 16;
      boolean fdFlat = fds * minutes <= first.fds() * 0.10 + 20;
      boolean threadsFlat = threads * minutes <= first.threads() * 0.10 + 8;
      String line =
          String.format(
              Locale.ROOT,
              "%s (pid %d, %d samples over %.1f min): heap after GC %d -> %d MiB "
                  + "(%+.2f MiB/min), open files other than dashboards' sockets %d -> %d (%+.2f/min; sockets %d -> %d), "
                  + "threads %d -> %d (%+.2f/min)",
              n.name(),
              last.pid(),
              w.size(),
              minutes,
              first.heapUsedKb() / 1024,
              last.heapUsedKb() / 1024,
              heap,
              first.fds(),
              last.fds(),
              fds,
              first.sockets(),
              last.sockets(),
              first.threads(),
              last.threads(),
              threads);
      slopes.add(line);
      figure.append(
          String.format(
              Locale.ROOT,
              "%s heap %+.2f MiB/min, fds %+.2f/min, threads %+.2f/min; ",
              n.name(),
              heap,
              fds,
              threads));
      if (!(heapFlat && fdFlat && threadsFlat)) {
        pass = false;
        evidence.add(line);
      }
    }
    return new Invariants.Result(
        "heap after GC, open files and threads flat over the second half",
        pass,
        figure.toString().trim(),
        evidence);
  }

  private static List<long[]> series(List<Probes.Sample> w, int which) {
    List<long[]> points = new ArrayList<>();
    for (Probes.Sample s : w) {
      long v = which == 0 ? s.heapUsedKb() : which == 1 ? s.fds() : s.threads();
      points.add(new long[] {s.atMillis(), v});
    }
    return points;
  }

  static Invariants.Result metrics(Probes probes) {
    List<String> evidence = new ArrayList<>();
    long whileUp = probes.misses.stream().filter(m -> !m.nodeDown()).count();
    long whileDown = probes.misses.size() - whileUp;
    probes.misses.stream()
        .filter(m -> !m.nodeDown())
        .limit(8)
        .forEach(
            m ->
                evidence.add(
                    m.node()
                        + " at "
                        + java.time.Instant.ofEpochMilli(m.atMillis())
                        + ": "
                        + m.why()));
    return new Invariants.Result(
        "/metrics scraped every 15 s from each node without a miss while it was up",
        whileUp == 0 && probes.scrapes > 0,
        probes.scrapes
            + " scrapes, "
            + whileUp
            + " missed while up, "
            + whileDown
            + " while the node was down by a fault",
        evidence);
  }

  static Invariants.Result faults(List<Faults.Fault> faults) {
    List<String> evidence = new ArrayList<>();
    faults.stream().filter(f -> !f.ok()).forEach(f -> evidence.add(f.name() + ": " + f.outcome()));
    return new Invariants.Result(
        "every fault ran and the stack came back (the slow dashboard closed with 1013)",
        evidence.isEmpty() && !faults.isEmpty(),
        faults.size() + " faults, " + evidence.size() + " failed",
        evidence);
  }
}
