package io.callstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every table has one owner (issue 20): only the owner's repository writes it. Scans the main
 * sources for SQL that writes a table ({@code INSERT INTO t}, {@code UPDATE t}, {@code DELETE FROM
 * t}) and checks that each such statement is in the table's owner file. The one documented
 * exception: the live-turn statements of {@code call/TranscriptRepository}, kept in {@code
 * call/LiveTurnSql} for length (CTEs inserting transcriptions that also bump the calls' sequence
 * counters in the same statement: the batch and its one-turn form), hold exactly two {@code UPDATE
 * calls}.
 *
 * <p>The scan reads the text of the sources, so it sees a table only when the write verb and the
 * table name are in one string literal. {@link #noWriteStatementIsCutBeforeItsTable} makes that
 * hold: no string literal anywhere in the main sources may end in a write verb ({@code INSERT
 * INTO}, {@code UPDATE}, {@code DELETE}, {@code DELETE FROM}, only whitespace after it; {@code FOR
 * UPDATE} is a lock and {@code ON CONFLICT … DO UPDATE} part of an {@code INSERT INTO} that names
 * its table) and then be concatenated ({@code +}) with something else, as in {@code "DELETE " +
 * ENDED_CALLS}, which hid a {@code DELETE FROM calls} from the scan.
 */
class TableOwnersTest {
  private static final Path MAIN = Path.of("src/main/java/io/callstream");
  private static final Pattern WRITE =
      Pattern.compile(
          "\\b(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(calls|transcriptions|webhook_events|users|drivers"
              + "|call_audio\\w*|pending_recordings)\\b");

  private static final Map<String, String> OWNERS =
      Map.of(
          "calls", "call/CallSql.java", // CallRepository's SQL, apart only for length
          "transcriptions", "call/TranscriptRepository.java",
          "webhook_events", "webhook/InboxRepository.java",
          "users", "auth/UserRepository.java",
          "drivers", "driver/DriverRepository.java",
          "call_audio", "audio/AudioRepository.java",
          "call_audio_chunks", "audio/AudioRepository.java",
          "pending_recordings", "twilio/PendingRecordingRepository.java");

  /**
   * The live-turn statements of the transcriptions' owner (apart only for length): their {@code
   * UPDATE calls} are the one write of a table outside its owner, documented there.
   */
  private static final String BATCH_FILE = "call/LiveTurnSql.java";

  @Test
  void eachTableIsWrittenOnlyByItsOwner() throws IOException {
    Map<String, List<String>> writes = writes();
    List<String> strays = new ArrayList<>();
    int batchUpdates = 0;
    for (var e : writes.entrySet()) {
      for (String table : e.getValue()) {
        String owner = OWNERS.get(table);
        assertTrue(
            owner != null,
            "a write of " + table + " in " + e.getKey() + ": no owner declared for it");
        if (owner.equals(e.getKey())) {
          continue;
        }
        if (table.equals("transcriptions") && e.getKey().equals(BATCH_FILE)) {
          continue; // the owner's own SQL
        }
        if (table.equals("calls") && e.getKey().equals(BATCH_FILE)) {
          batchUpdates++;
          continue;
        }
        strays.add(table + " written in " + e.getKey() + " (owner: " + owner + ")");
      }
    }
    assertEquals(List.of(), strays, "tables written outside their owner");
    assertEquals(
        2,
        batchUpdates,
        "UPDATE calls statements in "
            + BATCH_FILE
            + " (only the live-turn batch and its one-turn form)");
  }

  /**
   * See the class comment: a write statement's verb and table are in one literal, so the scan above
   * sees it.
   */
  @Test
  void noWriteStatementIsCutBeforeItsTable() throws IOException {
    Pattern cut =
        Pattern.compile(
            "(?<!\\\\)\"[^\"\\n]*?(?<!FOR\\s|DO\\s)\\b(?:INSERT\\s+INTO|UPDATE|DELETE(?:\\s+FROM)?)\\s*\"\\s*\\+");
    List<String> strays = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = cut.matcher(Files.readString(file));
        while (m.find()) {
          strays.add(m.group() + " in " + MAIN.relativize(file).toString().replace('\\', '/'));
        }
      }
    }
    assertEquals(
        List.of(),
        strays,
        "write statements whose table is concatenated on (the scan cannot see it)");
  }

  @Test
  void everyOwnerWritesItsTable() throws IOException {
    Map<String, List<String>> writes = writes();
    for (var owner : OWNERS.entrySet()) {
      assertTrue(
          writes.getOrDefault(owner.getValue(), List.of()).contains(owner.getKey()),
          owner.getValue()
              + " does not write "
              + owner.getKey()
              + ": the scan or the owner list is stale");
    }
  }

  /**
   * The status values as SQL literals ({@code 'failed'}...) appear only in their table's owner: the
   * calls' ({@code call/CallSql}, and the live-turn statements in {@code call/LiveTurnSql}) and the
   * inbox's ({@code webhook/InboxRepository}, which has a {@code 'failed'} of its own).
   */
  @Test
  void statusLiteralsAreOnlyInTheOwners() throws IOException {
    Pattern literal =
        Pattern.compile("'(initiated|in_progress|completed|failed|pending|processed|ignored)'");
    List<String> allowed =
        List.of("call/CallSql.java", "call/LiveTurnSql.java", "webhook/InboxRepository.java");
    List<String> strays = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String name = MAIN.relativize(file).toString().replace('\\', '/');
        Matcher m = literal.matcher(Files.readString(file));
        while (m.find()) {
          if (!allowed.contains(name)) {
            strays.add(m.group() + " in " + name);
          }
        }
      }
    }
    assertEquals(List.of(), strays, "status literals outside the owners");
  }

  /** File (relative to io/callstream) to the tables its SQL writes, once per statement. */
  private static Map<String, List<String>> writes() throws IOException {
    Map<String, List<String>> writes = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = WRITE.matcher(Files.readString(file));
        while (m.find()) {
          writes
              .computeIfAbsent(
                  MAIN.relativize(file).toString().replace('\\', '/'), k -> new ArrayList<>())
              .add(m.group(1));
        }
      }
    }
    assertTrue(
        writes.size() >= OWNERS.size() - 1, "the scan found writes in only " + writes.keySet());
    return writes;
  }
}
