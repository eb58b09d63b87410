package io.callstream.insights;

import io.callstream.failure.Failure;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Pattern;

/**
 * The days a report covers: {@code from} and {@code to} are calendar days (both included) in the
 * time zone {@code tz}, an IANA region name such as {@code Europe/Berlin} (default {@code UTC}). A
 * call belongs to the day of its {@code created_at} in that zone, so a day is 23 or 25 hours long
 * across a daylight-saving change.
 */
public record InsightsRange(LocalDate from, LocalDate to, String tz) {
  /** Longest range, in days (both ends included). */
  public static final int MAX_DAYS = 366;

  /** Days covered when {@code from} is not given: the last 30 days, today included. */
  public static final int DEFAULT_DAYS = 30;

  public static final String DEFAULT_TZ = "UTC";

  /**
   * IANA names only (Area/Location, or UTC, GMT...): fixed offsets such as {@code +02:00} are
   * refused, PostgreSQL reads them with the POSIX sign (east is negative) where Java does not.
   */
  private static final Pattern ZONE_NAME =
      Pattern.compile("[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}");

  public InsightsRange {
    if (from.isAfter(to)) {
      throw Failure.invalid("'from' (" + from + ") must not be after 'to' (" + to + ")");
    }
    if (days(from, to) > MAX_DAYS) {
      throw Failure.invalid(
          "the range from "
              + from
              + " to "
              + to
              + " is "
              + days(from, to)
              + " days long; at most "
              + MAX_DAYS
              + " days");
    }
  }

  /** Number of days in the range, both ends included. */
  public int days() {
    return (int) days(from, to);
  }

  private static long days(LocalDate from, LocalDate to) {
    return ChronoUnit.DAYS.between(from, to) + 1;
  }

  /**
   * The range asked for by the query parameters {@code from}, {@code to} (dates, YYYY-MM-DD) and
   * {@code tz}; a missing {@code to} is today in {@code tz}, a missing {@code from} the 30th day
   * back from {@code to}. Fails with a Failure (INVALID) naming the bad parameter.
   */
  public static InsightsRange parse(String from, String to, String tz, Clock clock) {
    String zone = zone(tz);
    LocalDate end = empty(to) ? LocalDate.now(clock.withZone(ZoneId.of(zone))) : date("to", to);
    LocalDate start = empty(from) ? end.minusDays(DEFAULT_DAYS - 1) : date("from", from);
    return new InsightsRange(start, end, zone);
  }

  private static boolean empty(String v) {
    return v == null || v.isEmpty();
  }

  private static LocalDate date(String name, String v) {
    try {
      if (v.length() == 10) {
        return LocalDate.parse(v);
      }
    } catch (DateTimeParseException e) {
      // the answer below
    }
    throw Failure.invalid("'" + name + "' must be a date (YYYY-MM-DD, e.g. 2026-03-01)");
  }

  private static String zone(String tz) {
    if (empty(tz)) {
      return DEFAULT_TZ;
    }
    if (tz.length() > 64
        || !ZONE_NAME.matcher(tz).matches()
        || !ZoneId.getAvailableZoneIds().contains(tz)) {
      throw Failure.invalid(
          "'tz' must be an IANA time zone name such as UTC or Europe/Berlin (fixed offsets are not accepted)");
    }
    return tz;
  }
}
