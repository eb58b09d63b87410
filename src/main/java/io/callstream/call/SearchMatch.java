package io.callstream.call;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a word search matched a call: the first transcript turn that matches (else the summary), as
 * a short excerpt cut into fragments, the matching words marked {@code highlight}. PostgreSQL's
 * {@code ts_headline} marks them with two private-use characters, removed from the source text
 * first (so a transcript cannot fake a mark), and split here: clients never parse markup, the
 * console builds {@code <mark>} elements from the fragments as text.
 */
public record SearchMatch(
    String source, Integer sequenceNumber, String speakerType, List<Fragment> fragments) {
  static final char START = '\uE000';
  static final char STOP = '\uE001';
  private static final String OPTIONS =
      "'StartSel="
          + START
          + ", StopSel="
          + STOP
          + ", MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"'";

  /** A piece of the excerpt; {@code highlight}: a word that matched the search. */
  public record Fragment(String text, boolean highlight) {}

  private static String headline(String text, String query) {
    return "ts_headline("
        + CallSearch.CONFIG
        + ", translate("
        + text
        + ", '"
        + START
        + STOP
        + "', ''), "
        + query
        + ", "
        + OPTIONS
        + ")";
  }

  /** The select-list additions of a search ({@code p}: the page, {@code m}: {@link #join}). */
  static String columns(String query) {
    return ", CASE WHEN m.snippet IS NULL THEN 'summary' ELSE 'transcript' END AS match_source, "
        + "m.sequence_number AS match_sequence_number, m.speaker_type AS match_speaker_type, "
        + "COALESCE(m.snippet, "
        + headline("coalesce(p.transcript_summary, '')", query)
        + ") AS match_snippet";
  }

  /** The first matching turn of each call of the page (by its (call_id, sequence_number) key). */
  static String join(String query, String transcriptVector) {
    return " LEFT JOIN LATERAL (SELECT t.sequence_number, t.speaker_type, "
        + headline("t.message_text", query)
        + " AS snippet FROM transcriptions t WHERE t.call_id = p.id AND "
        + transcriptVector
        + " @@ "
        + query
        + " ORDER BY t.sequence_number LIMIT 1) m ON true";
  }

  static SearchMatch fromRow(Row r) {
    return new SearchMatch(
        r.getString("match_source"),
        r.getInteger("match_sequence_number"),
        r.getString("match_speaker_type"),
        fragments(r.getString("match_snippet")));
  }

  /** Splits a marked excerpt; an unbalanced mark ends at the end of the text. */
  static List<Fragment> fragments(String marked) {
    List<Fragment> fragments = new ArrayList<>();
    if (marked == null) {
      return fragments;
    }
    StringBuilder current = new StringBuilder();
    boolean inMark = false;
    for (int i = 0; i < marked.length(); i++) {
      char c = marked.charAt(i);
      if ((c == START && !inMark) || (c == STOP && inMark)) {
        if (current.length() > 0) {
          fragments.add(new Fragment(current.toString(), inMark));
          current.setLength(0);
        }
        inMark = !inMark;
      } else if (c != START && c != STOP) {
        current.append(c);
      }
    }
    if (current.length() > 0) {
      fragments.add(new Fragment(current.toString(), inMark));
    }
    return fragments;
  }

  /** The excerpt as plain text (the CSV export's {@code match} column). */
  public String text() {
    StringBuilder s = new StringBuilder();
    fragments.forEach(f -> s.append(f.text()));
    return s.toString();
  }

  public JsonObject toJson() {
    JsonArray parts = new JsonArray();
    fragments.forEach(
        f -> parts.add(new JsonObject().put("text", f.text()).put("highlight", f.highlight())));
    return new JsonObject()
        .put("source", source)
        .put("sequence_number", sequenceNumber)
        .put("speaker_type", speakerType)
        .put("fragments", parts);
  }
}
