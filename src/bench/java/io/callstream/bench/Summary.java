package io.callstream.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The run's figures in the order they were measured: one {@code name: value} line each at the end.
 */
final class Summary {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, Double> numbers = new LinkedHashMap<>();

  void put(String name, double value) {
    numbers.put(name, value);
    values.put(name, format(value));
    System.out.println("  " + name + ": " + values.get(name));
  }

  void put(String name, String value) {
    values.put(name, value);
    System.out.println("  " + name + ": " + value);
  }

  /** Puts figure / baseline as {@code ratioName}, when both are known. */
  void ratio(String ratioName, String figure, String baseline) {
    double f = number(figure);
    double b = number(baseline);
    if (Double.isFinite(f) && Double.isFinite(b) && b > 0) {
      put(ratioName, f / b);
    }
  }

  double number(String name) {
    return numbers.getOrDefault(name, Double.NaN);
  }

  String text(String name) {
    return values.getOrDefault(name, "n/a");
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Map<String, String> values() {
    return values;
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.3f", v);
  }

  String render() {
    StringBuilder out = new StringBuilder();
    values.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }
}
