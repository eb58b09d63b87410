package io.callstream.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 19, defect 7: docker/compose.yaml publishes Prometheus and Grafana on the host's loopback only and holds no
 * literal password (each comes from the environment and is required). docker is not available to the tests, and
 * no YAML parser is on the class path, so this reads the file's text: services are the two-space-indented keys
 * under {@code services:}, ports their {@code ports:} entries (inline list or one per line).
 */
class ComposeExposureTest {
  private static final Path COMPOSE = Path.of("docker/compose.yaml");
  private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Z_]+:\\?[^}]*}");

  @Test
  void prometheusAndGrafanaArePublishedOnLoopbackOnly() throws IOException {
    Map<String, List<String>> ports = publishedPorts(Files.readAllLines(COMPOSE));
    assertTrue(ports.containsKey("nginx"), "services found: " + ports.keySet());
    for (String service : List.of("prometheus", "grafana")) {
      assertFalse(ports.getOrDefault(service, List.of()).isEmpty(), service + " publishes a port: " + ports);
      for (String port : ports.get(service)) {
        assertTrue(port.startsWith("127.0.0.1:"), service + " publishes " + port + " beyond loopback");
      }
    }
  }

  @Test
  void noLiteralPasswordRemains() throws IOException {
    List<String> lines = Files.readAllLines(COMPOSE);
    int checked = 0;
    for (String line : lines) {
      String code = line.replaceFirst("\\s+#.*$", "");
      Matcher kv = Pattern.compile("^\\s*([A-Z_]*PASSWORD[A-Z_]*):\\s*(.*)$").matcher(code);
      if (kv.matches()) {
        checked++;
        assertTrue(REQUIRED_VARIABLE.matcher(kv.group(2).trim()).matches(), "literal or defaulted: " + line);
      }
      Matcher url = Pattern.compile("postgres(?:ql)?://[^:/@\\s]+:(\\$\\{[^}]*}|[^@\\s]*)@").matcher(code);
      while (url.find()) {
        checked++;
        assertTrue(REQUIRED_VARIABLE.matcher(url.group(1)).matches(), "literal password in a URL: " + line);
      }
      assertFalse(code.contains("admin/admin"), line);
    }
    assertEquals(3, checked, "POSTGRES_PASSWORD, GF_SECURITY_ADMIN_PASSWORD and DATABASE_URL's password");
  }

  @Test
  void theTextReaderSeesAnUnboundPortAndALiteralPassword() {
    // the reader itself, on the shape of the file before the fix: it must see what it is meant to catch
    Map<String, List<String>> ports = publishedPorts(List.of("services:", "  grafana:", "    image: g",
        "    ports: [\"3000:3000\"]", "  prometheus:", "    ports:", "      - \"9090:9090\"", "volumes:"));
    assertEquals(Map.of("grafana", List.of("3000:3000"), "prometheus", List.of("9090:9090")), ports);
    assertFalse(REQUIRED_VARIABLE.matcher("${GRAFANA_ADMIN_PASSWORD:-admin}").matches());
  }

  /** Service name -> the entries of its {@code ports:}, quotes removed. */
  static Map<String, List<String>> publishedPorts(List<String> lines) {
    Map<String, List<String>> ports = new LinkedHashMap<>();
    boolean inServices = false;
    boolean inPorts = false;
    String service = null;
    for (String raw : lines) {
      String line = raw.replaceFirst("\\s+#.*$", "");
      if (line.isBlank()) {
        continue;
      }
      int indent = line.length() - line.stripLeading().length();
      if (indent == 0) {
        inServices = line.startsWith("services:");
        service = null;
        inPorts = false;
      } else if (inServices && indent == 2 && line.trim().endsWith(":")) {
        service = line.trim().substring(0, line.trim().length() - 1);
        ports.put(service, new ArrayList<>());
        inPorts = false;
      } else if (service != null && indent == 4) {
        inPorts = line.trim().startsWith("ports:");
        String inline = line.trim().substring(inPorts ? "ports:".length() : 0).trim();
        if (inPorts && inline.startsWith("[")) {
          for (String entry : inline.substring(1, inline.lastIndexOf(']')).split(",")) {
            ports.get(service).add(unquote(entry));
          }
          inPorts = false;
        }
      } else if (service != null && inPorts && line.trim().startsWith("- ")) {
        ports.get(service).add(unquote(line.trim().substring(2)));
      }
    }
    return ports;
  }

  private static String unquote(String s) {
    return s.trim().replaceAll("^[\"']|[\"']$", "");
  }
}
