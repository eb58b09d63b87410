package io.callstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The figures against the targets as a Markdown section (machine, command, table). Always
 * written to the run directory; a full run also replaces the generated section of BENCHMARKS.md
 * (between its markers).
 */
final class Report {
  static final String BEGIN = "<!-- bench:results:begin (written by bin/bench) -->";
  static final String END = "<!-- bench:results:end -->";

  /**
   * One row: the figure, its baseline (or null), the ratio name (or null), the target and how it is
   * checked.
   */
  record Row(
      String what,
      String figure,
      String baseline,
      String ratio,
      String target,
      double limit,
      boolean atLeast,
      boolean onRatio) {}

  static final List<Row> ROWS =
      List.of(
          new Row(
              "webhooks/s, 16 senders, 20 calls, one node (pgbench: mean of runs before and after)",
              "ingest_rps_c16",
              "ingest_pgbench_tps",
              "ingest_ratio_vs_pgbench",
              "ratio ≥ 0.6",
              0.6,
              true,
              true),
          new Row(
              "webhook response time p99 at that load (ms)",
              "ingest_p99_ms",
              null,
              null,
              "≤ 20",
              20,
              false,
              false),
          new Row(
              "200 → frame, same node, p50 (ms)",
              "latency_same_node_p50_ms",
              "latency_http_rtt_p50_ms",
              "latency_same_node_p50_ratio",
              "≤ 1",
              1,
              false,
              false),
          new Row(
              "200 → frame, same node, p99 (ms)",
              "latency_same_node_p99_ms",
              "latency_http_rtt_p99_ms",
              "latency_same_node_p99_ratio",
              "≤ 5",
              5,
              false,
              false),
          new Row(
              "200 → frame, cross node, p50 (ms)",
              "latency_cross_node_p50_ms",
              "latency_eventbus_rtt_p50_ms",
              "latency_cross_node_p50_ratio",
              "≤ 1.5",
              1.5,
              false,
              false),
          new Row(
              "200 → frame, cross node, p99 (ms)",
              "latency_cross_node_p99_ms",
              "latency_eventbus_rtt_p99_ms",
              "latency_cross_node_p99_ratio",
              "≤ 5",
              5,
              false,
              false),
          new Row(
              "one event → 15,000 sockets on 2 nodes, p99 (ms)",
              "fanout_15k_p99_ms",
              "fanout_bare_p99_ms",
              "fanout_15k_ratio_vs_bare",
              "≤ 200",
              200,
              false,
              false),
          new Row(
              "heap per idle subscribed socket (KB)",
              "heap_per_idle_socket_kb",
              "heap_bare_per_idle_socket_kb",
              "heap_ratio_vs_bare",
              "≤ 8",
              8,
              false,
              false),
          new Row(
              "JVM start → /ready 200, second clustered node (ms)",
              "ready_ms",
              null,
              null,
              "≤ 3000",
              3000,
              false,
              false));

  private Report() {}

  static String markdown(Summary s, Plan plan, String command) {
    StringBuilder md = new StringBuilder();
    md.append("Run of ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append(" (`")
        .append(plan.name())
        .append("` plan), command `")
        .append(command)
        .append("`.\n\n");
    md.append("Machine: ").append(machine()).append("\n\n");
    md.append("| figure | what | measured | baseline (same run) | ratio | target | met |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    for (Row r : ROWS) {
      double value = s.number(r.onRatio() ? r.ratio() : r.figure());
      String met =
          Double.isNaN(value)
              ? "not measured"
              : (r.atLeast() ? value >= r.limit() : value <= r.limit()) ? "yes" : "**no**";
      md.append("| `")
          .append(r.figure())
          .append("` | ")
          .append(r.what())
          .append(" | ")
          .append(s.text(r.figure()))
          .append(" | ")
          .append(r.baseline() == null ? "–" : s.text(r.baseline()) + " (`" + r.baseline() + "`)")
          .append(" | ")
          .append(r.ratio() == null ? "–" : s.text(r.ratio()))
          .append(" | ")
          .append(r.target())
          .append(" | ")
          .append(met)
          .append(" |\n");
    }
    md.append("\nEvery figure of the run (`name: value`, as `bin/bench` prints them):\n\n```\n")
        .append(s.render())
        .append("```\n");
    return md.toString();
  }

  static String machine() {
    String cpu =
        read("/proc/cpuinfo")
            .lines()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .orElse("?");
    String mem =
        read("/proc/meminfo")
            .lines()
            .filter(l -> l.startsWith("MemTotal"))
            .findFirst()
            .map(l -> l.replaceAll("[^0-9]", ""))
            .map(kb -> Long.parseLong(kb) / 1024 / 1024 + " GiB")
            .orElse("?");
    String os =
        read("/etc/os-release")
            .lines()
            .filter(l -> l.startsWith("PRETTY_NAME="))
            .findFirst()
            .map(l -> l.substring(12).replace("\"", ""))
            .orElse("?");
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %s RAM, %s, kernel %s, Java %s, load average at start %.2f",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        mem,
        os,
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static void write(Path dir, String markdown, boolean updateBenchmarksMd) throws IOException {
    Files.writeString(dir.resolve("results.md"), markdown);
    Path doc = Path.of("BENCHMARKS.md");
    if (!updateBenchmarksMd || !Files.exists(doc)) {
      return;
    }
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      System.out.println(
          "  (BENCHMARKS.md has no generated section; results are in " + dir + "/results.md)");
      return;
    }
    Files.writeString(
        doc, text.substring(0, begin + BEGIN.length()) + "\n" + markdown + text.substring(end));
    System.out.println("  BENCHMARKS.md: generated section updated");
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      return "";
    }
  }
}
