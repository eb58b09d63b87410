package io.callstream.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The soak's markdown report (and the same lines on standard output). */
final class Report {
  private final Path dir;
  private final Path file;
  private final double minutes;
  private final StringBuilder md = new StringBuilder();
  private long t0;

  Report(Path dir, Path file, double minutes) {
    this.dir = dir;
    this.file = file;
    this.minutes = minutes;
  }

  void started(long t0) {
    this.t0 = t0;
  }

  void fatal(Exception e) {
    StringWriter sw = new StringWriter();
    e.printStackTrace(new PrintWriter(sw));
    md.append("\n## The soak itself failed\n\n```\n").append(sw).append("```\n");
  }

  void finished(
      long trafficEnd,
      Traffic traffic,
      Map<String, String> statuses,
      Invariants inv,
      List<Faults.Fault> faults,
      List<String> slopes,
      List<Dashboard> dashboards,
      Tokens tokens) {
    Map<String, Integer> byStatus = new TreeMap<>();
    for (String sid : traffic.started) {
      byStatus.merge(statuses.getOrDefault(sid, "missing"), 1, Integer::sum);
    }
    Map<String, Integer> inboundStatus = new TreeMap<>();
    for (String sid : traffic.inbound) {
      inboundStatus.merge(statuses.getOrDefault(sid, "missing"), 1, Integer::sum);
    }
    long turns = 0;
    try {
      turns = inv.turns().values().stream().mapToLong(Integer::longValue).sum();
    } catch (Exception e) {
      turns = -1;
    }
    long followed = dashboards.stream().mapToLong(d -> d.followed.size()).sum();
    long connections = dashboards.stream().mapToLong(d -> d.connections).sum();
    // the error frames the dashboards received, by code (a refused subscribe leaves a call
    // unfollowed)
    Map<String, Long> errorCodes = new TreeMap<>();
    dashboards.forEach(
        d -> d.errors.forEach(e -> errorCodes.merge(e.split(":", 2)[0], 1L, Long::sum)));
    md.append("## Run\n\n")
        .append("- started ")
        .append(Instant.ofEpochMilli(t0))
        .append(", traffic for ")
        .append((trafficEnd - t0) / 1000)
        .append(" s (asked: ")
        .append(minutes)
        .append(" min), report at ")
        .append(Instant.now())
        .append('\n')
        .append("- outbound calls started through the API: ")
        .append(traffic.started.size())
        .append(" (")
        .append(traffic.startRequests.get())
        .append(" requests, ")
        .append(traffic.apiErrors.get())
        .append(" refused or unanswered), by final status ")
        .append(byStatus)
        .append('\n')
        .append("- inbound Twilio calls: ")
        .append(traffic.inbound.size())
        .append(", by final status ")
        .append(inboundStatus)
        .append(" (")
        .append(traffic.twilioErrors.get())
        .append(" callbacks given up)\n")
        .append("- turns stored (all calls): ")
        .append(turns)
        .append('\n')
        .append("- recordings delivered (post_call_audio answered 200): ")
        .append(traffic.audio.size())
        .append(" (")
        .append(traffic.audioErrors.get())
        .append(" given up)\n")
        .append("- dashboards: ")
        .append(dashboards.size())
        .append(", ")
        .append(connections)
        .append(" connections in all, ")
        .append(followed)
        .append(" calls followed, ")
        .append(Dashboard.FRAMES.get())
        .append(" frames delivered, error frames by code ")
        .append(errorCodes)
        .append('\n')
        .append("- last refusals: ")
        .append(oneLine(traffic.lastRefusal.toString()))
        .append('\n')
        .append("- tokens fetched: ")
        .append(tokens.fetches.get())
        .append(" (")
        .append(tokens.failures.get())
        .append(" fetches failed)\n\n");
    md.append("## Faults\n\n| fault | start | end | outcome |\n|---|---|---|---|\n");
    for (Faults.Fault f : faults) {
      md.append("| ")
          .append(f.name())
          .append(" | +")
          .append((f.startMillis() - t0) / 1000)
          .append(" s | +")
          .append((f.endMillis() - t0) / 1000)
          .append(" s | ")
          .append(f.ok() ? "" : "**FAILED** ")
          .append(f.outcome().replace("|", "/"))
          .append(" |\n");
    }
    md.append("\n## Invariants\n\n");
    for (Invariants.Result r : inv.results) {
      md.append("- **")
          .append(r.pass() ? "PASS" : "FAIL")
          .append("** ")
          .append(r.name())
          .append(": ")
          .append(r.figure())
          .append('\n');
      for (String e : r.evidence()) {
        md.append("    - `").append(e.replace('`', '\'')).append("`\n");
      }
    }
    md.append("\n## Resources (second half of the run)\n\n");
    slopes.forEach(s -> md.append("- ").append(s).append('\n'));
    md.append("\nNode logs: ")
        .append(dir)
        .append("/node*.log (kept until bin/soak exits; copied beside the report)\n");
  }

  private static String oneLine(String s) {
    String flat = s.replaceAll("\\s+", " ");
    return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
  }

  void write() throws IOException {
    String text =
        "# callstream soak\n\n- command: `bin/soak "
            + String.join(" ", System.getProperty("soak.args", ""))
            + "`\n\n"
            + md;
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, text);
    System.out.println(text);
  }
}
