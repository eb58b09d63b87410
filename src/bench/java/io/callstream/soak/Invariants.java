package io.callstream.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The end checks, against the soak's PostgreSQL and what the clients recorded; each one line with
 * its figure.
 */
final class Invariants {
  record Result(String name, boolean pass, String figure, List<String> evidence) {}

  private final String jdbcUrl;
  private final List<Faults.Fault> faults;
  final List<Result> results = new ArrayList<>();

  Invariants(String jdbcUrl, List<Faults.Fault> faults) {
    this.jdbcUrl = jdbcUrl;
    this.faults = faults;
  }

  boolean allPass() {
    return results.stream().allMatch(Result::pass);
  }

  Connection db() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "callstream", "callstream");
  }

  /** call_sid -> status of every call in the database. */
  Map<String, String> statuses() throws SQLException {
    Map<String, String> m = new HashMap<>();
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT call_sid, status FROM calls")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getString(2));
      }
    }
    return m;
  }

  /** How many of the given calls have not ended (missing rows count as open). */
  long open(Set<String> sids) throws SQLException {
    Map<String, String> st = statuses();
    return sids.stream()
        .filter(s -> !"completed".equals(st.get(s)) && !"failed".equals(st.get(s)))
        .count();
  }

  void callsEnded(Set<String> outbound, Set<String> inbound) throws SQLException {
    Map<String, String> st = statuses();
    Map<String, Integer> by = new TreeMap<>();
    List<String> evidence = new ArrayList<>();
    for (Set<String> set : List.of(outbound, inbound)) {
      for (String sid : set) {
        String status = st.getOrDefault(sid, "missing");
        by.merge(status, 1, Integer::sum);
        if (!"completed".equals(status) && !"failed".equals(status) && evidence.size() < 10) {
          evidence.add(sid + " is " + status);
        }
      }
    }
    int bad =
        by.entrySet().stream()
            .filter(e -> !e.getKey().equals("completed") && !e.getKey().equals("failed"))
            .mapToInt(Map.Entry::getValue)
            .sum();
    results.add(
        new Result(
            "every started call reached completed or failed",
            bad == 0,
            (outbound.size() + inbound.size())
                + " started ("
                + outbound.size()
                + " by the API, "
                + inbound.size()
                + " inbound by Twilio): "
                + by,
            evidence));
  }

  /** call_sid -> number of stored turns (sequence numbers are 1..n without gaps). */
  Map<String, Integer> turns() throws SQLException {
    Map<String, Integer> m = new HashMap<>();
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT c.call_sid, count(t.id), coalesce(max(t.sequence_number), 0) FROM calls c "
                    + "LEFT JOIN transcriptions t ON t.call_id = c.id GROUP BY c.call_sid")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getInt(3));
      }
    }
    return m;
  }

  void dashboards(List<Dashboard> dashboards, Map<String, String> statuses) throws SQLException {
    Map<String, Integer> turns = turns();
    long followed = 0;
    long expected = 0;
    long delivered = 0;
    long missing = 0;
    long duplicates = 0;
    long disorder = 0;
    long noEnd = 0;
    List<String> evidence = new ArrayList<>();
    for (Dashboard d : dashboards) {
      for (Map.Entry<String, Dashboard.Followed> e : d.followed.entrySet()) {
        String sid = e.getKey();
        String status = statuses.get(sid);
        if (!"completed".equals(status) && !"failed".equals(status)) {
          continue; // reported by the calls invariant
        }
        followed++;
        int n = turns.getOrDefault(sid, 0);
        List<Integer> got = new ArrayList<>(e.getValue().sequence);
        expected += n;
        delivered += got.size();
        long distinct = got.stream().distinct().count();
        long inRange = got.stream().distinct().filter(x -> x >= 1 && x <= n).count();
        boolean ordered = true;
        for (int i = 1; i < got.size(); i++) {
          ordered &= got.get(i) > got.get(i - 1);
        }
        missing += n - inRange;
        duplicates += got.size() - distinct;
        disorder += ordered ? 0 : 1;
        noEnd += e.getValue().completed ? 0 : 1;
        if ((n != inRange || got.size() != distinct || !ordered || !e.getValue().completed)
            && evidence.size() < 12) {
          evidence.add(
              "dashboard "
                  + d.id
                  + " "
                  + sid
                  + ": stored 1.."
                  + n
                  + ", got "
                  + abbreviate(got)
                  + (e.getValue().completed ? "" : ", no call_completed")
                  + "; trace "
                  + e.getValue().trace);
        }
      }
    }
    boolean pass = missing == 0 && duplicates == 0 && disorder == 0 && noEnd == 0;
    results.add(
        new Result(
            "every dashboard got every stored turn of each call it followed exactly once, in order,"
                + " and the call's end",
            pass,
            followed
                + " followed calls, "
                + expected
                + " turns stored for them, "
                + delivered
                + " delivered: "
                + missing
                + " missing, "
                + duplicates
                + " duplicates, "
                + disorder
                + " out of order, "
                + noEnd
                + " without call_completed",
            evidence));
  }

  private static String abbreviate(List<Integer> l) {
    String s = l.toString();
    return s.length() > 120 ? s.substring(0, 120) + "...]" : s;
  }

  /**
   * Closes are allowed only in fault windows: 1001 at a drain, 1001/1006 around the killed node.
   */
  void closes(List<Dashboard> dashboards, long t0, long stopMillis, long connectedAtEnd) {
    Map<Integer, Integer> codes = new TreeMap<>();
    int unexplained = 0;
    List<String> evidence = new ArrayList<>();
    List<Long> lifetimes = new ArrayList<>();
    Map<String, Integer> groups = new TreeMap<>();
    for (Dashboard d : dashboards) {
      for (Dashboard.Close c : d.closes) {
        if (c.atMillis() >= stopMillis) {
          continue;
        }
        codes.merge(c.code(), 1, Integer::sum);
        if (!explained(c)) {
          unexplained++;
          lifetimes.add(c.openMillis() / 1000);
          String group = c.code() + " " + window(c.atMillis());
          groups.merge(group, 1, Integer::sum);
          if (groups.get(group) <= 2 && evidence.size() < 16) {
            evidence.add(
                "dashboard "
                    + d.id
                    + " closed "
                    + c.code()
                    + " ("
                    + c.reason()
                    + ") at +"
                    + (c.atMillis() - t0) / 1000
                    + " s "
                    + Instant.ofEpochMilli(c.atMillis())
                    + ", "
                    + c.openMillis()
                    + " ms after it opened");
          }
        }
      }
    }
    results.add(
        new Result(
            "no socket closed except 1001 at a drain or around the killed node, and every dashboard"
                + " is connected at the end",
            unexplained == 0 && connectedAtEnd == dashboards.size(),
            connectedAtEnd
                + " of "
                + dashboards.size()
                + " dashboards connected at the end; closes by code "
                + codes
                + ", "
                + unexplained
                + " not explained by a fault, by code and moment "
                + groups
                + (lifetimes.isEmpty()
                    ? ""
                    : " (open for "
                        + lifetimes.stream().mapToLong(Long::longValue).min().getAsLong()
                        + "-"
                        + lifetimes.stream().mapToLong(Long::longValue).max().getAsLong()
                        + " s)"),
            evidence));
  }

  /**
   * "during <fault>" when the moment falls in a fault's window (+5 s), else "outside any fault".
   */
  private String window(long at) {
    String in = "outside any fault";
    for (Faults.Fault f : faults) {
      if (at >= f.startMillis() - 1_000 && at <= f.endMillis() + 5_000) {
        in = "during " + f.name().replaceAll(" \\(.*", ""); // the latest fault that had started
      }
    }
    return in;
  }

  private boolean explained(Dashboard.Close c) {
    for (Faults.Fault f : faults) {
      boolean in = c.atMillis() >= f.startMillis() - 1_000 && c.atMillis() <= f.endMillis() + 5_000;
      if (in && f.name().startsWith("rolling") && c.code() == 1001) {
        return true;
      }
      if (in && f.name().startsWith("SIGKILL") && (c.code() == 1001 || c.code() == 1006)) {
        return true;
      }
    }
    return false;
  }

  void recordings(Map<String, Integer> audio, Nodes nodes, String token) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    Map<String, Integer> okByNode = new TreeMap<>();
    int fetches = 0;
    int bad = 0;
    List<String> evidence = new ArrayList<>();
    for (Map.Entry<String, Integer> a : audio.entrySet()) {
      for (Nodes.Node n : nodes.all()) {
        fetches++;
        String outcome;
        try {
          HttpResponse<byte[]> r =
              http.send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + n.httpPort + "/calls/" + a.getKey() + "/audio"))
                      .header("Authorization", "Bearer " + token)
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
          outcome =
              r.statusCode() == 200 && r.body().length == a.getValue()
                  ? null
                  : "HTTP " + r.statusCode() + ", " + r.body().length + " bytes";
        } catch (IOException e) {
          outcome = e.toString();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (outcome == null) {
          okByNode.merge(n.name(), 1, Integer::sum);
        } else {
          bad++;
          if (evidence.size() < 8) {
            evidence.add(a.getKey() + " from " + n.name() + ": " + outcome);
          }
        }
      }
    }
    results.add(
        new Result(
            "every recording can be fetched from every node",
            bad == 0 && !audio.isEmpty(),
            audio.size()
                + " recordings x "
                + nodes.all().size()
                + " nodes = "
                + fetches
                + " fetches, "
                + bad
                + " failed; served per node "
                + okByNode,
            evidence));
  }

  void inbox() throws SQLException {
    List<String> evidence = new ArrayList<>();
    Map<String, Integer> counts = new TreeMap<>();
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT status, type, coalesce(error, ''), coalesce(conversation_id, call_sid, '') FROM webhook_events "
                    + "WHERE status IN ('pending', 'failed') ORDER BY received_at")) {
      while (rs.next()) {
        counts.merge(rs.getString(1), 1, Integer::sum);
        if (evidence.size() < 8) {
          evidence.add(
              rs.getString(1)
                  + " "
                  + rs.getString(2)
                  + " "
                  + rs.getString(4)
                  + " "
                  + rs.getString(3));
        }
      }
    }
    long total;
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM webhook_events")) {
      rs.next();
      total = rs.getLong(1);
    }
    results.add(
        new Result(
            "the inbox holds nothing pending or failed",
            counts.isEmpty(),
            total + " webhook bodies kept; pending/failed: " + counts,
            evidence));
  }

  /** SEVERE/ERROR lines of the node logs outside [fault start - 2 s, fault end + 30 s]. */
  void errorLines(List<Path> logs) throws IOException {
    int total = 0;
    int outside = 0;
    List<String> evidence = new ArrayList<>();
    for (Path log : logs) {
      for (String line : Files.readAllLines(log)) {
        if (!line.contains(" SEVERE ") && !line.contains(" ERROR ")) {
          continue;
        }
        total++;
        long at;
        try {
          at = Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
        } catch (RuntimeException e) {
          at = -1;
        }
        long t = at;
        boolean inFault =
            faults.stream()
                .anyMatch(f -> t >= f.startMillis() - 2_000 && t <= f.endMillis() + 30_000);
        if (!inFault) {
          outside++;
          if (evidence.size() < 10) {
            evidence.add(
                log.getFileName()
                    + ": "
                    + (line.length() > 300 ? line.substring(0, 300) + "..." : line));
          }
        }
      }
    }
    results.add(
        new Result(
            "no ERROR log line outside the injected faults' windows",
            outside == 0,
            total + " ERROR lines, " + outside + " outside a fault's window",
            evidence));
  }

  void add(Result r) {
    results.add(r);
  }
}
