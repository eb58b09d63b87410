package io.callstream.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of hostile inputs grown from real-shaped seeds: truncated and deeply nested
 * JSON, wrong types, huge numbers, invalid UTF-8, duplicate keys, oversized fields, NUL characters
 * and random bytes. The same seed gives the same corpus, so a failure can be replayed.
 */
final class Corpus {
  private static final String[] ODD_VALUES = {
    "null",
    "true",
    "-1",
    "0",
    "1e400",
    "-1e400",
    "123456789012345678901234567890",
    "1.5",
    "\"\"",
    "[]",
    "{}",
    "[[[[[[]]]]]]",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"2026-13-45T99:99:99Z\"",
    "9223372036854775808",
    "\"x\""
  };

  private final Random random;

  Corpus(long seed) {
    this.random = new Random(seed);
  }

  /** {@code count} mutants of the seeds, plus the fixed nasty cases every run must include. */
  List<byte[]> bodies(List<byte[]> seeds, int count) {
    List<byte[]> out = new ArrayList<>();
    out.add(new byte[0]);
    out.add(utf8("[".repeat(100_000)));
    out.add(utf8("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)));
    out.add(utf8("{\"type\":\"post_call_transcription\",\"type\":7,\"data\":{},\"data\":[]}"));
    out.add(
        utf8(
            "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"../../etc/passwd\","
                + "\"full_audio\":\"!!notbase64!!\"}}"));
    out.add(utf8("{\"call_sid\":\"" + "A".repeat(2 << 20) + "\"}")); // over the 1 MiB limit
    out.add(
        utf8(
            "{\"call_sid\":\"CA1\",\"speaker\":\"user\",\"message\":\""
                + "m".repeat(600_000)
                + "\"}"));
    for (int i = 0; i < count; i++) {
      out.add(mutate(seeds.get(random.nextInt(seeds.size()))));
    }
    return out;
  }

  /** Client WebSocket messages (text): protocol-shaped mutants, within the 64 KiB message limit. */
  List<String> messages(int count) {
    String[] seeds = {
      "{\"subscribe\":\"CA123\"}",
      "{\"subscribe\":\"conv_1\",\"since\":3}",
      "{\"unsubscribe\":\"CA123\"}",
      "{\"auth\":\"eyJhbGciOiJIUzI1NiJ9.e30.x\"}"
    };
    List<String> out =
        new ArrayList<>(
            List.of(
                "",
                "{",
                "[]",
                "null",
                "\"subscribe\"",
                "{\"subscribe\":123}",
                "{\"subscribe\":\"a\",\"subscribe\":\"b\"}",
                "{\"subscribe\":\"a\",\"unsubscribe\":\"a\"}",
                "{\"subscribe\":\"CA1\",\"since\":1e400}",
                "{\"subscribe\":\"CA1\",\"since\":-1}",
                "{\"subscribe\":\"CA1\",\"since\":99999999999999999999}",
                "{\"auth\":null}",
                "{\"auth\":[1]}",
                "{\"subscribe\":\"" + "x".repeat(5000) + "\"}",
                "[".repeat(4000),
                "{\"a\":".repeat(800) + "1" + "}".repeat(800)));
    for (int i = 0; i < count; i++) {
      String seed = seeds[random.nextInt(seeds.length)];
      String m =
          new String(
              mutate(utf8(seed)), StandardCharsets.UTF_8); // invalid bytes become U+FFFD here
      out.add(m.length() > 20_000 ? m.substring(0, 20_000) : m);
    }
    return out;
  }

  byte[] mutate(byte[] seed) {
    String text = new String(seed, StandardCharsets.UTF_8);
    return switch (random.nextInt(8)) {
      case 0 -> truncate(seed);
      case 1 -> utf8(replaceValue(text, ODD_VALUES[random.nextInt(ODD_VALUES.length)]));
      case 2 -> utf8(duplicateKey(text));
      case 3 -> invalidUtf8(seed);
      case 4 -> utf8(replaceValue(text, "\"" + "z".repeat(1 + random.nextInt(200_000)) + "\""));
      case 5 -> utf8(replaceValue(text, "[".repeat(2000) + "]".repeat(2000)));
      case 6 -> randomBytes();
      default -> flip(seed);
    };
  }

  private byte[] truncate(byte[] seed) {
    return java.util.Arrays.copyOf(seed, random.nextInt(Math.max(1, seed.length)));
  }

  /**
   * Replaces the value after a random {@code ":"} with {@code value}, up to the next comma or
   * brace.
   */
  private String replaceValue(String text, String value) {
    List<Integer> colons = new ArrayList<>();
    for (int i = text.indexOf("\":"); i >= 0; i = text.indexOf("\":", i + 1)) {
      colons.add(i + 2);
    }
    if (colons.isEmpty()) {
      return text + value;
    }
    int start = colons.get(random.nextInt(colons.size()));
    int end = start;
    int depth = 0;
    boolean inString = false;
    while (end < text.length()) {
      char c = text.charAt(end);
      if (inString) {
        if (c == '\\') {
          end++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth-- == 0) {
          break;
        }
      } else if (c == ',' && depth == 0) {
        break;
      }
      end++;
    }
    return text.substring(0, start) + value + text.substring(Math.min(end, text.length()));
  }

  private String duplicateKey(String text) {
    int brace = text.indexOf('{');
    String[] keys = {
      "type", "data", "call_sid", "conversation_id", "event_timestamp", "speaker", "message"
    };
    String dup =
        "\""
            + keys[random.nextInt(keys.length)]
            + "\":"
            + ODD_VALUES[random.nextInt(ODD_VALUES.length)]
            + ",";
    return brace < 0
        ? "{" + dup + "}"
        : text.substring(0, brace + 1) + dup + text.substring(brace + 1);
  }

  private byte[] invalidUtf8(byte[] seed) {
    byte[][] bad = {
      {(byte) 0xC3, 0x28},
      {(byte) 0xE2, (byte) 0x82},
      {(byte) 0xFF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {0}
    };
    int at = random.nextInt(seed.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(seed, 0, at);
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.write(seed, at, seed.length - at);
    return out.toByteArray();
  }

  private byte[] randomBytes() {
    byte[] b = new byte[random.nextInt(4096)];
    random.nextBytes(b);
    return b;
  }

  private byte[] flip(byte[] seed) {
    byte[] b = seed.clone();
    for (int i = 0; i < 1 + random.nextInt(8) && b.length > 0; i++) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    }
    return b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
