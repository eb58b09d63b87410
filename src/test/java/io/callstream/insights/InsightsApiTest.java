package io.callstream.insights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.api.ApiClient;
import io.callstream.app.Node;
import io.callstream.failure.Failure;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GET /insights over known calls: exact figures per day (zero days included), per violation type,
 * for durations and costs, in UTC and in America/New_York (calls near midnight change days, and a
 * daylight-saving day is 23 hours long); bad ranges and zones are 400 with the reason.
 */
@ExtendWith(VertxExtension.class)
class InsightsApiTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  /**
   * call_sid, created_at (UTC), status, call_successful, analysis verdict, duration, cost, types.
   */
  static final String[][] CALLS = {
    // before the range in both zones (New York: Jan 9, 18:59)
    {"I0", "2026-01-09T23:59:00Z", "failed", null, null, null, null, "{speeding}"},
    {"I1", "2026-01-10T12:00:00Z", "completed", "true", null, "30", "240", "{speeding}"},
    // New York: Jan 10, 18:30
    {
      "I2",
      "2026-01-10T23:30:00Z",
      "completed",
      "false",
      null,
      "90",
      "720",
      "{speeding,harsh_braking}"
    },
    // UTC Jan 11, New York Jan 10 (22:00)
    {"I3", "2026-01-11T03:00:00Z", "failed", null, null, null, null, "{harsh_braking}"},
    // the verdict only in the analysis, as the attention list reads it; a type named twice counts
    // once
    {
      "I4",
      "2026-01-12T10:00:00Z",
      "completed",
      null,
      "success",
      "150",
      "1200",
      "{speeding,speeding}"
    },
    // no verdict, no violation type (an inbound call)
    {"I5", "2026-01-12T11:00:00Z", "completed", null, null, "600", "4800.5", "{}"},
    // UTC Jan 14, New York Jan 13 (23:59)
    {"I6", "2026-01-14T04:59:00Z", "in_progress", null, null, null, null, "{speeding}"},
    // New York midnight exactly: Jan 14
    {"I7", "2026-01-14T05:00:00Z", "initiated", null, null, null, null, "{}"},
    // after the range in UTC, New York Jan 14 (19:00)
    {"I8", "2026-01-15T00:00:00Z", "completed", "true", null, "60", "480", "{speeding}"},
    // New York's spring forward (Mar 8, 23 hours): Mar 9, 00:30 EDT (23:30 on Mar 8 at the winter
    // offset)
    {"I9", "2026-03-09T04:30:00Z", "failed", null, null, null, null, "{}"},
    // New York Mar 8, 01:30 EST; Mar 8, 06:30 UTC
    {"IA", "2026-03-08T06:30:00Z", "failed", null, null, null, null, "{}"},
  };

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("insights");
    node = nodes.start(TestConfig.config(schema));
    for (String[] c : CALLS) {
      TestDatabase.execute(
          "INSERT INTO "
              + schema
              + ".calls (call_sid, created_at, status, call_successful, analysis_data, "
              + "call_duration_seconds, cost, violation_types, driver_id) VALUES ('"
              + c[0]
              + "', '"
              + c[1]
              + "', '"
              + c[2]
              + "', "
              + c[3]
              + ", "
              + (c[4] == null ? "NULL" : "'{\"call_successful\":\"" + c[4] + "\"}'")
              + ", "
              + c[5]
              + ", "
              + c[6]
              + ", '"
              + c[7]
              + "', 'D-1')");
    }
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static JsonObject report(ApiClient api, String query) {
    HttpResponse<Buffer> r = api.get("/insights?" + query, api.token("dispatcher"));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** successful, unsuccessful, no_verdict, failed, active. */
  static JsonObject outcomes(long s, long u, long n, long f, long a) {
    return new JsonObject()
        .put("successful", s)
        .put("unsuccessful", u)
        .put("no_verdict", n)
        .put("failed", f)
        .put("active", a);
  }

  static JsonObject day(String day, JsonObject byOutcome) {
    long calls = byOutcome.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    return new JsonObject().put("day", day).put("calls", calls).put("by_outcome", byOutcome);
  }

  @Test
  void utcDaysTypesDurationsAndCosts(Vertx vertx) {
    JsonObject r = report(new ApiClient(vertx, node), "from=2026-01-10&to=2026-01-14&tz=UTC");
    assertEquals("2026-01-10", r.getString("from"));
    assertEquals("2026-01-14", r.getString("to"));
    assertEquals("UTC", r.getString("tz"));
    assertEquals(5, r.getInteger("days"));
    assertEquals(
        new JsonArray(
            List.of(
                day("2026-01-10", outcomes(1, 1, 0, 0, 0)),
                day("2026-01-11", outcomes(0, 0, 0, 1, 0)),
                day("2026-01-12", outcomes(1, 0, 1, 0, 0)),
                day("2026-01-13", outcomes(0, 0, 0, 0, 0)),
                day("2026-01-14", outcomes(0, 0, 0, 0, 2)))),
        r.getJsonArray("per_day"));

    JsonObject totals = r.getJsonObject("totals");
    assertEquals(7, totals.getInteger("calls"));
    assertEquals(5, totals.getInteger("ended"));
    assertEquals(0.4, totals.getDouble("success_rate"));
    assertEquals(outcomes(2, 1, 1, 1, 2), totals.getJsonObject("by_outcome"));
    assertEquals(
        new JsonObject()
            .put("calls", 4)
            .put("total", 870)
            .put("mean", 217.5)
            .put("p50", 120.0)
            .put("p90", 465.0)
            .put("max", 600),
        totals.getJsonObject("duration_seconds"));
    assertEquals(
        new JsonObject()
            .put("calls", 4)
            .put("total", 6960.5)
            .put("mean", 1740.13)
            .put("p50", 960.0)
            .put("p90", 3720.35)
            .put("max", 4800.5),
        totals.getJsonObject("cost"));

    JsonArray types = r.getJsonArray("per_violation_type");
    assertEquals(3, types.size(), types.encode());
    assertEquals(
        new JsonObject()
            .put("violation_type", "speeding")
            .put("calls", 4)
            .put("ended", 3)
            .put("success_rate", 0.6667)
            .put("by_outcome", outcomes(2, 1, 0, 0, 1)),
        types.getJsonObject(0));
    assertEquals(
        new JsonObject()
            .put("violation_type", "harsh_braking")
            .put("calls", 2)
            .put("ended", 2)
            .put("success_rate", 0.0)
            .put("by_outcome", outcomes(0, 1, 0, 1, 0)),
        types.getJsonObject(1));
    assertEquals(
        new JsonObject()
            .put("violation_type", null)
            .put("calls", 2)
            .put("ended", 1)
            .put("success_rate", 0.0)
            .put("by_outcome", outcomes(0, 0, 1, 0, 1)),
        types.getJsonObject(2));
    assertEquals(0, r.getInteger("other_violation_types"));

    // 30, 90, 150, 600 s: two-minute buckets up to the one holding 600
    assertEquals(
        histogram(120, 2, 1, 0, 0, 0, 1), r.getJsonObject("duration_histogram"), "durations");
    // 240, 720, 1200, 4800.5 credits: 500-credit buckets
    assertEquals(
        histogram(500, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1), r.getJsonObject("cost_histogram"), "costs");
  }

  static JsonObject histogram(long width, long... counts) {
    JsonArray buckets = new JsonArray();
    for (int i = 0; i < counts.length; i++) {
      buckets.add(
          new JsonObject()
              .put("from", i * width)
              .put("to", (i + 1) * width)
              .put("calls", counts[i]));
    }
    return new JsonObject().put("bucket_width", width).put("buckets", buckets);
  }

  @Test
  void newYorkDaysMoveCallsNearMidnight(Vertx vertx) {
    JsonObject r =
        report(new ApiClient(vertx, node), "from=2026-01-10&to=2026-01-14&tz=America%2FNew_York");
    assertEquals("America/New_York", r.getString("tz"));
    assertEquals(
        new JsonArray(
            List.of(
                day("2026-01-10", outcomes(1, 1, 0, 1, 0)),
                day("2026-01-11", outcomes(0, 0, 0, 0, 0)),
                day("2026-01-12", outcomes(1, 0, 1, 0, 0)),
                day("2026-01-13", outcomes(0, 0, 0, 0, 1)),
                day("2026-01-14", outcomes(1, 0, 0, 0, 1)))),
        r.getJsonArray("per_day"));
    assertEquals(8, r.getJsonObject("totals").getInteger("calls"));
  }

  @Test
  void aDaylightSavingDayHasItsOwnBoundaries(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    JsonArray days =
        report(api, "from=2026-03-08&to=2026-03-09&tz=America%2FNew_York").getJsonArray("per_day");
    assertEquals(
        new JsonArray(
            List.of(
                day("2026-03-08", outcomes(0, 0, 0, 1, 0)),
                day("2026-03-09", outcomes(0, 0, 0, 1, 0)))),
        days);
    // an empty range: every figure zero or null, no bucket
    JsonObject empty = report(api, "from=2025-06-01&to=2025-06-03");
    assertEquals(3, empty.getJsonArray("per_day").size());
    assertEquals(0, empty.getJsonObject("totals").getInteger("calls"));
    assertEquals(null, empty.getJsonObject("totals").getValue("success_rate"));
    assertEquals(
        new JsonObject().putNull("bucket_width").put("buckets", new JsonArray()),
        empty.getJsonObject("cost_histogram"));
    assertEquals(List.of(), empty.getJsonArray("per_violation_type").getList());
  }

  @Test
  void defaultsAreTheLast30DaysInUtc(Vertx vertx) {
    JsonObject r = report(new ApiClient(vertx, node), "");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertEquals("UTC", r.getString("tz"));
    assertEquals(30, r.getInteger("days"));
    assertEquals(30, r.getJsonArray("per_day").size());
    // the day may have turned between the request and this line
    assertTrue(
        r.getString("to").equals(today.toString())
            || r.getString("to").equals(today.minusDays(1).toString()),
        r.getString("to"));
    JsonObject longest = report(new ApiClient(vertx, node), "from=2025-01-15&to=2026-01-15");
    assertEquals(366, longest.getInteger("days"));
    assertEquals(366, longest.getJsonArray("per_day").size());
    assertEquals(9, longest.getJsonObject("totals").getInteger("calls"));
  }

  @Test
  void badRangesAndZonesAre400WithTheReason(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String token = api.token("dispatcher");
    String[][] cases = {
      {"from=2026-13-01&to=2026-12-31", "'from' must be a date"},
      {"from=2026-01-10T00:00:00Z&to=2026-01-14", "'from' must be a date"},
      {"from=2026-01-10&to=yesterday", "'to' must be a date"},
      {"from=2026-01-14&to=2026-01-10", "'from' (2026-01-14) must not be after 'to' (2026-01-10)"},
      {"from=2025-01-14&to=2026-01-15", "367 days long; at most 366 days"},
      {"from=2026-01-10&to=2026-01-14&tz=Mars%2FOlympus", "'tz' must be an IANA time zone name"},
      {"from=2026-01-10&to=2026-01-14&tz=%2B02:00", "'tz' must be an IANA time zone name"},
      {"tz=" + "A".repeat(100), "'tz' must be an IANA time zone name"},
    };
    for (String[] c : cases) {
      HttpResponse<Buffer> r = api.get("/insights?" + c[0], token);
      assertEquals(400, r.statusCode(), c[0] + ": " + r.bodyAsString());
      assertEquals("INVALID_REQUEST", r.bodyAsJsonObject().getString("code"), c[0]);
      assertTrue(ApiClient.error(r).contains(c[1]), c[0] + ": " + ApiClient.error(r));
    }
    assertEquals(401, api.get("/insights", null).statusCode());
    assertEquals(200, api.get("/insights", api.token("admin")).statusCode());
  }

  /**
   * A zone Java knows and this database's time zone data does not (a zone newer than its tzdata):
   * PostgreSQL's 22023 is a 400 naming the parameter. Every name of this JDK is known to the test
   * database, so the refusal is made here the way PostgreSQL words it.
   */
  @Test
  void aZoneTheDatabaseDoesNotKnowIsABadRequest() {
    Throwable pg = new PgException("time zone \"Area/New\" not recognized", "ERROR", "22023", null);
    Throwable refused = InsightsRoutes.unknownZone(pg).cause();
    assertTrue(refused instanceof Failure f && f.is(Failure.Kind.INVALID), String.valueOf(refused));
    assertTrue(refused.getMessage().contains("'tz'"), refused.getMessage());
    Throwable other = new PgException("division by zero", "ERROR", "22012", null);
    assertSame(other, InsightsRoutes.unknownZone(other).cause());
  }
}
