package io.callstream.call;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The CSV lines of GET /calls.csv (RFC 4180: comma-separated, CRLF line ends, UTF-8). A field is
 * quoted when it holds a comma, a double quote (doubled), a CR or an LF. A text field that a
 * spreadsheet would take for a formula (first character {@code = + - @}, tab or CR) gets a leading
 * apostrophe (OWASP's advice against CSV injection); an E.164 phone number ({@code +} and digits
 * only) is left as it is, since it cannot call anything. Numbers and times are written as such.
 */
final class CallsCsv {
  static final List<String> COLUMNS =
      List.of(
          "created_at",
          "call_sid",
          "conversation_id",
          "direction",
          "driver_id",
          "driver_name",
          "caller_number",
          "status",
          "call_successful",
          "failure_reason",
          "violation_types",
          "call_start_time",
          "call_end_time",
          "call_duration_seconds",
          "cost",
          "recording_status",
          "handled_by",
          "handled_at",
          "transcript_summary",
          "match");

  private static final Pattern PHONE = Pattern.compile("\\+[0-9]{6,15}");

  private CallsCsv() {}

  static String header() {
    return String.join(",", COLUMNS) + "\r\n";
  }

  static String line(CallSearch.Found found) {
    Call c = found.call();
    Object[] values = {
      c.createdAt(),
      text(c.callSid()),
      text(c.conversationId()),
      text(c.direction()),
      text(c.driverId()),
      text(found.driverName()),
      text(c.callerNumber()),
      text(c.status()),
      c.callSuccessful(),
      text(c.failureReason()),
      text(String.join(";", c.violationTypes())),
      c.callStartTime(),
      c.callEndTime(),
      c.callDurationSeconds(),
      c.cost(),
      text(c.recordingStatus()),
      text(c.handledBy()),
      c.handledAt(),
      text(c.transcriptSummary()),
      text(found.match() == null ? null : found.match().text())
    };
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(quoted(values[i] == null ? "" : values[i].toString()));
    }
    return line.append("\r\n").toString();
  }

  /** A text value, defused when a spreadsheet would read it as a formula. */
  static String text(String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    char first = value.charAt(0);
    boolean formula =
        first == '='
            || first == '+'
            || first == '-'
            || first == '@'
            || first == '\t'
            || first == '\r';
    return formula && !PHONE.matcher(value).matches() ? "'" + value : value;
  }

  /** The field as CSV: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. */
  static String quoted(String field) {
    boolean quote =
        field.indexOf(',') >= 0
            || field.indexOf('"') >= 0
            || field.indexOf('\n') >= 0
            || field.indexOf('\r') >= 0;
    return quote ? '"' + field.replace("\"", "\"\"") + '"' : field;
  }
}
