package io.callstream.db;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL text for both drivers: a statement written for the reactive client ({@code $1, $2, …})
 * run over blocking JDBC by the operator command line ({@code ?}). Only for statements that use
 * each parameter once and in order, which is checked, so the owner of a table keeps one constant
 * for both executions.
 */
public final class Jdbc {
  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");

  private Jdbc() {}

  /**
   * {@code reactive} with {@code $n} replaced by {@code ?}; refuses a parameter used twice or out
   * of order.
   */
  public static String sql(String reactive) {
    Matcher m = PARAMETER.matcher(reactive);
    StringBuilder out = new StringBuilder();
    int expected = 1;
    while (m.find()) {
      if (Integer.parseInt(m.group(1)) != expected++) {
        throw new IllegalArgumentException("parameters not used once each in order: " + reactive);
      }
      m.appendReplacement(out, "?");
    }
    m.appendTail(out);
    return out.toString();
  }
}
