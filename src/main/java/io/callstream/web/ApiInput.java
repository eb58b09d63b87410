package io.callstream.web;

import io.callstream.failure.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Input checks of the API routes: each fails with a {@link Failure} of kind INVALID naming what is
 * wrong.
 */
public final class ApiInput {
  /** Largest JSON body the API accepts (413 above). */
  public static final long BODY_LIMIT = 64 * 1024;

  private ApiInput() {}

  /** The body handler of API routes with a JSON body: bounded, no file uploads. */
  public static BodyHandler body() {
    return BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
  }

  /** The request body as a JSON object; 400 when it is missing, malformed or not an object. */
  public static JsonObject object(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      throw Failure.invalid("request body must be a JSON object");
    }
    Object value;
    try {
      value = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw Failure.invalid("request body is not valid JSON");
    }
    if (!(value instanceof JsonObject o)) {
      throw Failure.invalid("request body must be a JSON object");
    }
    return o;
  }

  /** A required, non-blank string field of at most maxLength characters, trimmed. */
  public static String string(JsonObject body, String field, int maxLength) {
    Object v = body.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw Failure.invalid("'" + field + "' is required and must be a non-empty string");
    }
    if (s.length() > maxLength) {
      throw Failure.invalid("'" + field + "' is longer than " + maxLength + " characters");
    }
    return s.trim();
  }

  /**
   * A required, non-empty array of non-blank strings (each at most maxLength), with at most
   * maxItems items.
   */
  public static List<String> strings(JsonObject body, String field, int maxItems, int maxLength) {
    Object v = body.getValue(field);
    if (!(v instanceof JsonArray array) || array.isEmpty()) {
      throw Failure.invalid("'" + field + "' is required and must be a non-empty array of strings");
    }
    if (array.size() > maxItems) {
      throw Failure.invalid("'" + field + "' has more than " + maxItems + " items");
    }
    List<String> values = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank() || s.length() > maxLength) {
        throw Failure.invalid(
            "'"
                + field
                + "' must contain only non-empty strings of at most "
                + maxLength
                + " characters");
      }
      values.add(s.trim());
    }
    return values;
  }

  /** A path parameter that must match the pattern. */
  public static String pathParam(RoutingContext ctx, String name, Pattern pattern) {
    String v = ctx.pathParam(name);
    if (v == null || !pattern.matcher(v).matches()) {
      throw Failure.invalid("invalid " + name);
    }
    return v;
  }

  /**
   * An optional time query parameter: an ISO-8601 timestamp with offset, or a date (UTC). A date
   * names its start, or, with {@code endOfDay}, the start of the next day (so that {@code
   * to=2026-11-25} includes that day).
   */
  public static OffsetDateTime time(RoutingContext ctx, String name, boolean endOfDay) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      if (v.length() == 10) {
        LocalDate day = LocalDate.parse(v);
        return (endOfDay ? day.plusDays(1) : day).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw Failure.invalid(
          "'" + name + "' must be a date (2026-11-25) or an ISO-8601 timestamp with offset");
    }
  }

  /** An optional boolean query parameter ({@code true} or {@code false}); 400 otherwise. */
  public static Boolean bool(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw Failure.invalid("'" + name + "' must be true or false");
    };
  }

  /**
   * An optional integer query parameter within [min, max], else the fallback; 400 when malformed.
   */
  public static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw Failure.invalid("'" + name + "' must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw Failure.invalid("'" + name + "' must be an integer");
    }
  }
}
