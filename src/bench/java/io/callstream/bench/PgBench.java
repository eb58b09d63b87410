package io.callstream.bench;

import io.callstream.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ingest baseline: pgbench running a fixed one-turn statement ({@link #ONE_TURN}: the call's
 * counter, the turn, one transaction, as the Socket.IO peer does), prepared, 16 clients, spread
 * over 20 open calls of its own. Parameters ($1 call_sid, $2 conversation_id, $3 dedupe key, $4
 * speaker, $5 message, $6 spoken_at) become pgbench variables; the call_sids are numeric strings so
 * that pgbench's integer {@code random()} can pick one, and the dedupe key is a random 63-bit
 * number (unique per turn).
 */
final class PgBench {
  static final int FIRST_SID = 900_001;
  private static final Pattern TPS =
      Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

  /** Result: transactions (= turns) per second and the mean latency pgbench reports. */
  record Result(double tps, double meanLatencyMs, long processed, String statement) {}

  private static final Pattern PROCESSED =
      Pattern.compile("number of transactions actually processed: ([0-9]+)");

  private PgBench() {}

  static List<String> sids(int calls) {
    List<String> sids = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      sids.add(Integer.toString(FIRST_SID + i));
    }
    return sids;
  }

  /**
   * One baseline run on the bench schema's own calls, checked: every transaction must have stored
   * one turn (a script that silently matched no call would otherwise look very fast).
   */
  static Result measure(BenchDb db, Plan plan, Path dir) throws IOException, InterruptedException {
    String rows =
        "SELECT count(*) FROM transcriptions t JOIN calls c ON c.id = t.call_id "
            + "WHERE c.call_sid LIKE '9000%'";
    long before = db.count(rows);
    Result r =
        run(
            db.database,
            plan.ingestCalls(),
            plan.ingestSenders(),
            plan.pgbenchSeconds(),
            Turns.MARK + "1 " + Turns.MESSAGE,
            dir);
    long stored = db.count(rows) - before;
    if (stored != r.processed()) {
      throw new IllegalStateException(
          "pgbench ran " + r.processed() + " transactions but stored " + stored);
    }
    return r;
  }

  static Result run(
      Config.Database db, int calls, int clients, int seconds, String message, Path dir)
      throws IOException, InterruptedException {
    String statement = liveTurnStatement();
    String script =
        "\\set p1 random("
            + FIRST_SID
            + ", "
            + (FIRST_SID + calls - 1)
            + ")\n"
            + "\\set p3 random(1, 9000000000000000000)\n"
            + statement.replaceAll("\\$([1-6])(?![0-9])", ":p$1")
            + ";\n";
    Path file = dir.resolve("live-turn.pgbench");
    Files.writeString(file, script);
    List<String> command =
        List.of(
            "pgbench",
            "-n",
            "-M",
            "prepared",
            "-c",
            Integer.toString(clients),
            "-j",
            "2",
            "-T",
            Integer.toString(seconds),
            "-h",
            db.host(),
            "-p",
            Integer.toString(db.port()),
            "-U",
            db.user(),
            "-D",
            "p2=none",
            "-D",
            "p4=agent",
            "-D",
            "p5=" + message,
            "-D",
            "p6=2026-01-01T00:00:00Z",
            "-f",
            file.toString(),
            db.database());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", db.password());
    pb.environment().put("PGOPTIONS", "-c search_path=" + db.schema());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("pgbench failed:\n" + out);
    }
    Files.writeString(dir.resolve("pgbench.out"), out);
    Matcher tps = TPS.matcher(out);
    Matcher latency = LATENCY.matcher(out);
    Matcher processed = PROCESSED.matcher(out);
    if (!tps.find() || !processed.find()) {
      throw new IllegalStateException("no tps in pgbench output:\n" + out);
    }
    return new Result(
        Double.parseDouble(tps.group(1)),
        latency.find() ? Double.parseDouble(latency.group(1)) : Double.NaN,
        Long.parseLong(processed.group(1)),
        statement);
  }

  /**
   * The baseline's fixed statement: what a one-statement-per-webhook design runs for one live turn
   * (the peer's statement, on callstream's schema): take the call's next sequence number, insert
   * the turn, one transaction. It is deliberately not callstream's own SQL: a heavier design must
   * not score the same ratio as a light one.
   */
  static final String ONE_TURN =
      "WITH c AS (UPDATE calls SET last_sequence_number = last_sequence_number + 1 "
          + "WHERE call_sid = $1 AND status IN ('initiated', 'in_progress') "
          + "RETURNING id, call_sid, conversation_id, last_sequence_number), "
          + "t AS (INSERT INTO transcriptions (call_id, sequence_number, speaker_type, message_text, spoken_at, source, "
          + "dedupe_key) SELECT id, last_sequence_number, $4, $5, $6::timestamptz, 'live', $3::text FROM c "
          + "RETURNING id, sequence_number) "
          + "SELECT t.id, t.sequence_number, c.call_sid, c.conversation_id FROM t, c";

  static String liveTurnStatement() {
    return ONE_TURN;
  }
}
