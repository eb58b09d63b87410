package io.callstream.demo;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The demo conversations (resource {@code scripts.json}): several variants per violation type, a
 * fleet safety assistant calling a driver who acknowledges, asks questions, disputes or asks for a
 * callback. {@link #pick} chooses one for a call from its dynamic variables ({@code driver_name},
 * {@code violation_types}).
 */
public final class Scripts {
  public static final String GENERIC = "generic";
  public static final List<String> TYPES =
      List.of(
          "speeding", "hours_of_service", "seatbelt", "phone_use", "inspection_overdue", GENERIC);
  static final String RESOURCE = "scripts.json";

  /** Unrendered variants per type, in file order. */
  private final Map<String, List<JsonObject>> variants;

  private Scripts(Map<String, List<JsonObject>> variants) {
    this.variants = variants;
  }

  /** Reads the packaged scripts. Blocking (a classpath read): call it off the event loop. */
  public static Scripts load() {
    try (InputStream in = Scripts.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("demo scripts missing from the classpath: " + RESOURCE);
      }
      JsonObject all = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      Map<String, List<JsonObject>> variants = new LinkedHashMap<>();
      for (String type : TYPES) {
        JsonArray list = all.getJsonArray(type);
        if (list == null || list.isEmpty()) {
          throw new IllegalStateException("demo scripts: no variant for " + type);
        }
        variants.put(type, list.stream().map(JsonObject.class::cast).toList());
      }
      return new Scripts(variants);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int variantCount(String type) {
    return variants.get(type).size();
  }

  /**
   * A variant for the first violation type it recognises in {@code violation_types} (else generic).
   */
  public Script pick(Random random, Map<String, Object> dynamicVariables) {
    String violations = text(dynamicVariables.get("violation_types"));
    String type = typeOf(violations);
    return render(
        type,
        random.nextInt(variantCount(type)),
        text(dynamicVariables.get("driver_name")),
        violations);
  }

  /** Variant {@code index} of {@code type} for this driver and violation text. */
  public Script render(String type, int index, String driverName, String violations) {
    JsonObject v = variants.get(type).get(index);
    String firstName = driverName.isBlank() ? null : driverName.trim().split("\\s+")[0];
    String violation = violations.isBlank() ? "an unspecified event" : violations.replace('_', ' ');
    List<Script.Turn> turns = new ArrayList<>();
    JsonArray lines = v.getJsonArray("turns");
    for (int i = 0; i < lines.size(); i++) {
      String line = fill(lines.getString(i), firstName == null ? "there" : firstName, violation);
      turns.add(new Script.Turn(i % 2 == 0 ? "agent" : "user", line));
    }
    String summary =
        fill(v.getString("summary"), firstName == null ? "the driver" : firstName, violation);
    return new Script(
        type,
        v.getString("outcome"),
        v.getString("title"),
        Character.toUpperCase(summary.charAt(0)) + summary.substring(1),
        v.getString("reason"),
        List.copyOf(turns));
  }

  /**
   * The script type for a violation_types text such as "speeding, red light" (first match wins).
   */
  static String typeOf(String violations) {
    for (String part : violations.toLowerCase(Locale.ROOT).split(",")) {
      String v = part.trim();
      if (v.contains("speed")) {
        return "speeding";
      }
      if (v.contains("hour") || v.equals("hos") || v.equals("eld")) {
        return "hours_of_service";
      }
      if (v.contains("seat") || v.contains("belt")) {
        return "seatbelt";
      }
      if (v.contains("phone") || v.contains("mobile") || v.contains("texting")) {
        return "phone_use";
      }
      if (v.contains("inspect")) {
        return "inspection_overdue";
      }
    }
    return GENERIC;
  }

  private static String fill(String template, String driver, String violation) {
    return template.replace("{driver}", driver).replace("{violation}", violation);
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }
}
