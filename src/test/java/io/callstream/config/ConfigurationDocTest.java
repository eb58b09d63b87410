package io.callstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and conf/callstream.properties agree, every documented setting is read by
 * the code, and every relative link in the documentation points at a file that exists.
 */
class ConfigurationDocTest {

  private static final Path PROPERTIES = Path.of("conf", "callstream.properties");
  private static final Path DOC = Path.of("docs", "configuration.md");

  /** Settings read from the environment only: documented, never in the properties file. */
  private static final Set<String> ENV_ONLY =
      Set.of("CALLSTREAM_CONFIG_FILE", "CALLSTREAM_PASSWORD");

  private static final String NAME = "[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+";
  private static final Pattern ACTIVE_KEY = Pattern.compile("^(" + NAME + ")\\s*=");

  /** "# DATABASE_URL=..." (a required or optional setting without a default). */
  private static final Pattern COMMENTED_KEY = Pattern.compile("^#\\s*(" + NAME + ")\\s*=");

  /**
   * "# ELEVENLABS_API_KEY, ELEVENLABS_AGENT_ID: needed to ..." (settings named at the start of a
   * comment).
   */
  private static final Pattern COMMENTED_LIST =
      Pattern.compile("^#\\s*(" + NAME + "(?:\\s*,\\s*" + NAME + ")*)\\s*:");

  private static final Pattern BACKTICKED_NAME = Pattern.compile("`(" + NAME + ")`");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyPropertiesKeyIsDocumented() {
    Set<String> keys = propertiesKeys();
    assertTrue(
        keys.contains("HTTP_PORT")
            && keys.contains("DATABASE_URL")
            && keys.contains("ELEVENLABS_API_KEY"),
        "the properties parser found too little: " + keys);
    Set<String> missing = new TreeSet<>(keys);
    missing.removeAll(documentedNames());
    assertTrue(
        missing.isEmpty(),
        "settings in " + PROPERTIES + " without a row in a table of " + DOC + ": " + missing);
  }

  @Test
  void everyDocumentedNameIsAPropertiesKeyOrAnEnvironmentOnlySetting() {
    Set<String> unknown = new TreeSet<>(documentedNames());
    unknown.removeAll(propertiesKeys());
    unknown.removeAll(ENV_ONLY);
    assertTrue(
        unknown.isEmpty(),
        "names in "
            + DOC
            + "'s tables that are neither keys (or '# NAME=' lines) of "
            + PROPERTIES
            + " nor environment-only settings "
            + ENV_ONLY
            + ": "
            + unknown);
  }

  @Test
  void everyDocumentedNameIsReadByTheCode() {
    String code = mainSources();
    Set<String> unread = new TreeSet<>();
    for (String name : documentedNames()) {
      if (!code.contains("\"" + name + "\"")) {
        unread.add(name);
      }
    }
    assertTrue(
        unread.isEmpty(),
        "names in " + DOC + "'s tables that no string literal in src/main/java reads: " + unread);
  }

  @Test
  void eachSettingHasOneRow() {
    TreeMap<String, Integer> rows = new TreeMap<>();
    for (String name : documentedNameList()) {
      rows.merge(name, 1, Integer::sum);
    }
    rows.values().removeIf(n -> n == 1);
    assertEquals(new TreeMap<String, Integer>(), rows, "settings with more than one row in " + DOC);
  }

  @Test
  void relativeLinksInTheDocsResolve() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(files::add);
    }
    for (String top : List.of("README.md", "CHANGELOG.md", "RELIABILITY.md", "BENCHMARKS.md")) {
      if (Files.exists(Path.of(top))) {
        files.add(Path.of(top));
      }
    }
    assertFalse(files.isEmpty(), "no documentation found under docs/");
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path file : files) {
      Matcher m = LINK.matcher(Files.readString(file));
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("#") || target.matches("^[a-z][a-z0-9+.-]*:.*")) {
          continue; // an anchor on the same page, or http:, https:, mailto:
        }
        int anchor = target.indexOf('#');
        String path = anchor < 0 ? target : target.substring(0, anchor);
        checked++;
        if (!Files.exists(
            file.getParent() == null ? Path.of(path) : file.getParent().resolve(path))) {
          broken.add(file + " -> " + target);
        }
      }
    }
    assertTrue(checked > 10, "too few links found (" + checked + "): is the link pattern wrong?");
    assertTrue(broken.isEmpty(), "relative links whose target does not exist: " + broken);
  }

  private static Set<String> propertiesKeys() {
    Set<String> keys = new TreeSet<>();
    for (String line : lines(PROPERTIES)) {
      String l = line.strip();
      Matcher active = ACTIVE_KEY.matcher(l);
      Matcher commented = COMMENTED_KEY.matcher(l);
      Matcher list = COMMENTED_LIST.matcher(l);
      if (active.find()) {
        keys.add(active.group(1));
      } else if (commented.find()) {
        keys.add(commented.group(1));
      } else if (list.find()) {
        for (String name : list.group(1).split(",")) {
          keys.add(name.strip());
        }
      }
    }
    return keys;
  }

  private static Set<String> documentedNames() {
    return new TreeSet<>(documentedNameList());
  }

  /**
   * The backticked names in the first column of every table row (header and separator rows
   * skipped).
   */
  private static List<String> documentedNameList() {
    List<String> names = new ArrayList<>();
    List<String> lines = lines(DOC);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      boolean header = i + 1 < lines.size() && lines.get(i + 1).strip().startsWith("|---");
      if (!line.startsWith("|") || line.startsWith("|---") || header) {
        continue;
      }
      String firstCell =
          line.substring(1, line.indexOf('|', 1) < 0 ? line.length() : line.indexOf('|', 1));
      Matcher m = BACKTICKED_NAME.matcher(firstCell);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    assertTrue(names.size() > 20, "too few settings found in " + DOC + "'s tables: " + names);
    return names;
  }

  private static String mainSources() {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        all.append(Files.readString(p)).append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toString();
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
