package io.callstream.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the soak watches on each node while it runs: /metrics scraped every 15 s (a miss is recorded
 * with whether the node was down by a fault at that moment), and every resource period the heap
 * after a forced full GC (jcmd GC.run, then GC.heap_info), the open descriptors (/proc/PID/fd) and
 * the threads (/proc/PID/status).
 */
final class Probes {
  record Miss(long atMillis, String node, String why, boolean nodeDown) {}

  /**
   * fds: open descriptors less the node's open WebSockets (dashboards come and go; a leak stays).
   */
  record Sample(
      long atMillis,
      String node,
      long pid,
      long heapUsedKb,
      long fds,
      long threads,
      long sockets) {}

  private static final Pattern HEAP_USED =
      Pattern.compile(
          "garbage-first heap\\s+total (?:reserved )?\\d+K, (?:committed \\d+K, )?used (\\d+)K");
  private static final Pattern ANY_USED = Pattern.compile("used (\\d+)K");

  private final Nodes nodes;
  private final String jcmd;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  final List<Miss> misses = new CopyOnWriteArrayList<>();
  final List<Sample> samples = new CopyOnWriteArrayList<>();
  volatile long scrapes;

  Probes(Nodes nodes, String jcmd) {
    this.nodes = nodes;
    this.jcmd = jcmd;
  }

  /** One scrape of every node's /metrics. */
  void scrape() {
    for (Nodes.Node n : nodes.all()) {
      boolean downBefore = !n.up;
      String why = null;
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("jvm_")) {
          why = "HTTP " + r.statusCode();
        }
      } catch (IOException e) {
        why = e.getClass().getSimpleName() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      scrapes++;
      if (why != null) {
        misses.add(new Miss(System.currentTimeMillis(), n.name(), why, downBefore || !n.up));
      }
    }
  }

  /** One resource sample of every node that is up. */
  void sample() {
    for (Nodes.Node n : nodes.all()) {
      long pid = n.pid();
      if (!n.up || pid < 0) {
        continue;
      }
      long heap = heapAfterGc(pid);
      long sockets = openSockets(n);
      long fds = count(Path.of("/proc/" + pid + "/fd"));
      long threads = threads(pid);
      if (heap >= 0 && fds >= 0 && threads >= 0 && sockets >= 0) {
        samples.add(
            new Sample(
                System.currentTimeMillis(), n.name(), pid, heap, fds - sockets, threads, sockets));
      }
    }
  }

  /** The node's callstream_ws_open_sockets gauge, -1 when unreadable. */
  private long openSockets(Nodes.Node n) {
    try {
      String text =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double sum = 0;
      for (String line : text.split("\n")) {
        if (line.startsWith("callstream_ws_open_sockets")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      return (long) sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private long heapAfterGc(long pid) {
    if (run(jcmd, String.valueOf(pid), "GC.run") == null) {
      return -1;
    }
    String info = run(jcmd, String.valueOf(pid), "GC.heap_info");
    if (info == null) {
      return -1;
    }
    Matcher m = HEAP_USED.matcher(info);
    if (m.find()) {
      return Long.parseLong(m.group(1));
    }
    m = ANY_USED.matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return new String(out);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static long count(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long threads(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("Threads:")) {
          return Long.parseLong(line.substring(8).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Least-squares slope per minute of a series (x in millis), NaN with fewer than 3 points. */
  static double slopePerMinute(List<long[]> points) {
    if (points.size() < 3) {
      return Double.NaN;
    }
    double n = points.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    long origin = points.get(0)[0];
    for (long[] p : points) {
      double x = (p[0] - origin) / 60_000.0;
      sx += x;
      sy += p[1];
      sxx += x * x;
      sxy += x * p[1];
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
  }

  /**
   * The node's samples in [fromMillis, end) taken from its last process only (a restart resets the
   * series).
   */
  List<Sample> window(String node, long fromMillis) {
    List<Sample> mine = new ArrayList<>();
    long lastPid = -1;
    for (Sample s : samples) {
      if (s.node().equals(node) && s.atMillis() >= fromMillis) {
        if (s.pid() != lastPid) {
          mine.clear();
          lastPid = s.pid();
        }
        mine.add(s);
      }
    }
    return mine;
  }
}
