package io.callstream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Assembly;
import io.callstream.app.Node;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route the real router serves (all roles) is described in api/openapi.yaml, with its method.
 * The YAML is read with a line scan of its {@code paths:} section (two-space indented paths,
 * four-space indented methods).
 */
class OpenApiCoverageTest {
  private static final Pattern PATH_LINE = Pattern.compile("^  (/\\S*):\\s*$");
  private static final Pattern METHOD_LINE =
      Pattern.compile("^    (get|put|post|delete|patch|head|options):.*$");

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("openapi");
    node = nodes.start(TestConfig.config(schema, Map.of("HTTP_INSTANCES", "1")));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  /** Path templates ({@code {id}} or {@code :id}) compared without parameter names. */
  static String normalise(String path) {
    return path.replaceAll("\\{[^}/]+}", "{}").replaceAll(":[^/]+", "{}");
  }

  static Map<String, Set<String>> documented() throws IOException {
    Map<String, Set<String>> paths = new HashMap<>();
    try (InputStream in = OpenApiCoverageTest.class.getResourceAsStream("/api/openapi.yaml")) {
      assertNotNull(in, "api/openapi.yaml is on the classpath");
      boolean inPaths = false;
      String current = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith(" ") && !line.isBlank()) {
          inPaths = line.startsWith("paths:");
          continue;
        }
        if (!inPaths) {
          continue;
        }
        Matcher p = PATH_LINE.matcher(line);
        Matcher m = METHOD_LINE.matcher(line);
        if (p.matches()) {
          current = normalise(p.group(1));
          paths.put(current, new HashSet<>());
        } else if (m.matches() && current != null) {
          paths.get(current).add(m.group(1));
        }
      }
    }
    return paths;
  }

  @Test
  void everyServedRouteIsDocumented() throws IOException {
    Map<String, Set<String>> documented = documented();
    assertTrue(documented.size() >= 14, "paths found in openapi.yaml: " + documented.keySet());
    Router router = new Assembly(node.vertx(), node.resources()).router();
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      assertFalse(
          path == null && route.isRegexPath(), "pure regex routes cannot be checked: " + route);
      if (path == null) {
        continue; // the catch-all 404 route and the failure handler
      }
      checked++;
      String key = normalise(path);
      Set<String> methods = documented.get(key);
      if (methods == null && key.endsWith("/")) {
        // a prefix route (e.g. "/webhooks/*" for a body handler): something must be documented
        // below it
        if (documented.keySet().stream().noneMatch(k -> k.startsWith(key))) {
          missing.add("* " + path + "*");
        }
        continue;
      }
      if (methods == null || methods.isEmpty()) {
        missing.add(route.methods() + " " + path);
        continue;
      }
      for (HttpMethod method : route.methods() == null ? Set.<HttpMethod>of() : route.methods()) {
        if (!methods.contains(method.name().toLowerCase(Locale.ROOT))) {
          missing.add(method + " " + path);
        }
      }
    }
    assertEquals(List.of(), missing, "routes served but not in api/openapi.yaml");
    assertTrue(checked >= 10, "routes checked: " + checked);
    for (String required :
        List.of(
            "/health",
            "/ready",
            "/metrics",
            "/auth/token",
            "/webhooks/elevenlabs/post-call",
            "/webhooks/elevenlabs/transcription",
            "/ws/calls/transcriptions",
            "/calls/{}",
            "/drivers/{}")) {
      assertTrue(documented.containsKey(required), required + " is documented");
    }
  }
}
