package io.callstream.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /calls.csv: the header, RFC 4180 quoting (commas, quotes, line breaks), defused formula
 * prefixes, the filters of GET /calls applied, and the row cap over many pages (10,050 matching
 * calls give the newest 10,000, each once, in order).
 */
@ExtendWith(VertxExtension.class)
class CallExportTest {
  static final int BULK = CallListRoutes.EXPORT_MAX_ROWS + 50;
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("callexport");
    node = nodes.start(TestConfig.config(schema));
    String s = schema + ".";
    TestDatabase.execute(
        "INSERT INTO "
            + s
            + "drivers (driver_id, name, phone_number) VALUES ('D-1', 'Rossi, Marco', '+15550101001')");
    TestDatabase.execute(
        "INSERT INTO "
            + s
            + "calls (call_sid, driver_id, status, failure_reason, violation_types, caller_number, "
            + "transcript_summary, call_duration_seconds, cost, call_successful, created_at) VALUES "
            + "('EL_D-1_1', 'D-1', 'completed', '-no-answer', '{@risk,phone_use}', '+15550109999', "
            + "E'=HYPERLINK(\"http://evil.example\",\"x\"), he said \"fine\"\\r\\nsecond line', 42, 12.5, true, "
            + "timestamptz '2026-03-01T10:00:00Z')");
    TestDatabase.execute(
        "INSERT INTO "
            + s
            + "calls (call_sid, driver_id, status, created_at) SELECT 'EL_BULK_' || g, 'BULK', 'completed', "
            + "timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second' FROM generate_series(1, "
            + BULK
            + ") g");
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  /** RFC 4180 records: a small reader, so the test checks what a spreadsheet would read back. */
  static List<List<String>> parse(String csv) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
        i++;
      } else {
        field.append(c);
      }
    }
    assertTrue(record.isEmpty() && field.isEmpty() && !quoted, "the CSV ends with CRLF");
    return records;
  }

  static HttpResponse<Buffer> export(ApiClient api, String query) {
    HttpResponse<Buffer> r = api.get("/calls.csv?" + query, api.token("dispatcher"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("text/csv; charset=utf-8", r.getHeader("Content-Type"));
    assertTrue(
        r.getHeader("Content-Disposition")
            .matches("attachment; filename=\"calls-[0-9TZ-]+\\.csv\""),
        r.getHeader("Content-Disposition"));
    return r;
  }

  @Test
  void oneCallQuotedAndDefused(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String body = export(api, "driver_id=D-1").bodyAsString();
    List<List<String>> rows = parse(body);
    assertEquals(CallsCsv.COLUMNS, rows.get(0));
    assertEquals(2, rows.size(), body);
    List<String> row = rows.get(1);
    assertEquals(CallsCsv.COLUMNS.size(), row.size());
    java.util.function.Function<String, String> col =
        name -> row.get(CallsCsv.COLUMNS.indexOf(name));
    assertEquals("2026-03-01T10:00:00Z", col.apply("created_at"));
    assertEquals("Rossi, Marco", col.apply("driver_name"));
    assertEquals(
        "'=HYPERLINK(\"http://evil.example\",\"x\"), he said \"fine\"\r\nsecond line",
        col.apply("transcript_summary"));
    assertEquals("'-no-answer", col.apply("failure_reason"));
    assertEquals("'@risk;phone_use", col.apply("violation_types"));
    assertEquals("+15550109999", col.apply("caller_number"), "a phone number stays as it is");
    assertEquals("42", col.apply("call_duration_seconds"));
    assertEquals("12.5", col.apply("cost"));
    assertEquals("true", col.apply("call_successful"));
    assertEquals("", col.apply("match"), "no search, no match");
    // the raw text: the quoted fields as RFC 4180 writes them
    assertTrue(body.contains(",\"Rossi, Marco\","), body);
    assertTrue(body.contains("he said \"\"fine\"\"\r\nsecond line\""), body);

    // q and the other filters apply; the match column holds the excerpt
    List<List<String>> searched = parse(export(api, "q=hyperlink&status=completed").bodyAsString());
    assertEquals(2, searched.size());
    assertTrue(
        searched.get(1).get(CallsCsv.COLUMNS.indexOf("match")).contains("HYPERLINK"),
        searched.get(1).toString());
    assertEquals(1, parse(export(api, "q=zebra").bodyAsString()).size(), "only the header");
    assertEquals(1, parse(export(api, "direction=inbound").bodyAsString()).size());
  }

  @Test
  void manyCallsStopAtTheCapNewestFirstEachOnce(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    HttpResponse<Buffer> r = export(api, "driver_id=BULK&limit=5&before=EL_BULK_7");
    assertEquals(
        Integer.toString(CallListRoutes.EXPORT_MAX_ROWS), r.getHeader("X-Export-Row-Limit"));
    List<List<String>> rows = parse(r.bodyAsString());
    assertEquals(CallListRoutes.EXPORT_MAX_ROWS + 1, rows.size());
    int sid = CallsCsv.COLUMNS.indexOf("call_sid");
    HashSet<String> seen = new HashSet<>();
    for (int i = 1; i < rows.size(); i++) {
      assertEquals("EL_BULK_" + (BULK + 1 - i), rows.get(i).get(sid), "row " + i);
      assertTrue(seen.add(rows.get(i).get(sid)));
    }
  }
}
