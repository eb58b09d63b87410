package io.callstream.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's static files are served by a real node without shadowing the API or its JSON 404.
 */
@ExtendWith(VertxExtension.class)
class ConsoleRoutesTest {
  private static final Pattern IMPORT = Pattern.compile("from '\\./([A-Za-z0-9_-]+\\.js)'");

  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("console");
    node = nodes.start(TestConfig.config(schema));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static HttpResponse<Buffer> get(WebClient client, String path) {
    return Await.result(client.get(node.port(), "127.0.0.1", path).send());
  }

  @Test
  void rootServesTheConsolePage(Vertx vertx) {
    HttpResponse<Buffer> page = get(Http.client(vertx), "/");
    assertEquals(200, page.statusCode());
    assertTrue(
        page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
    assertTrue(
        page.bodyAsString().contains("<script type=\"module\" src=\"/console/app.js\"></script>"));
    assertTrue(page.bodyAsString().contains("id=\"login\""), "the login form is on the page");
    assertEquals(ConsoleRoutes.CACHE_CONTROL, page.getHeader("Cache-Control"));
    assertEquals(ConsoleRoutes.CONTENT_SECURITY_POLICY, page.getHeader("Content-Security-Policy"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    assertTrue(page.getHeader("Last-Modified") != null, "revalidation needs Last-Modified");
  }

  @Test
  void everyModuleTheAppImportsIsServedAsJavaScript(Vertx vertx) {
    WebClient client = Http.client(vertx);
    Deque<String> toLoad = new ArrayDeque<>(Set.of("app.js"));
    Set<String> loaded = new HashSet<>();
    while (!toLoad.isEmpty()) {
      String file = toLoad.pop();
      if (!loaded.add(file)) {
        continue;
      }
      HttpResponse<Buffer> module = get(client, ConsoleRoutes.PREFIX + "/" + file);
      assertEquals(200, module.statusCode(), file);
      String type = module.getHeader("Content-Type");
      assertTrue(
          type.startsWith("text/javascript") || type.startsWith("application/javascript"),
          file + ": " + type);
      Matcher imports = IMPORT.matcher(module.bodyAsString());
      while (imports.find()) {
        toLoad.add(imports.group(1));
      }
    }
    assertTrue(
        loaded.containsAll(Set.of("app.js", "api.js", "live.js", "board.js", "call.js")),
        "modules: " + loaded);
    HttpResponse<Buffer> css = get(client, ConsoleRoutes.PREFIX + "/style.css");
    assertEquals(200, css.statusCode());
    assertTrue(css.getHeader("Content-Type").startsWith("text/css"), css.getHeader("Content-Type"));
  }

  @Test
  void unchangedFilesAreRevalidatedWith304(Vertx vertx) {
    WebClient client = Http.client(vertx);
    HttpResponse<Buffer> first = get(client, ConsoleRoutes.PREFIX + "/app.js");
    HttpResponse<Buffer> again =
        Await.result(
            client
                .get(node.port(), "127.0.0.1", ConsoleRoutes.PREFIX + "/app.js")
                .putHeader("If-Modified-Since", first.getHeader("Last-Modified"))
                .send());
    assertEquals(304, again.statusCode());
  }

  @Test
  void unknownPathsStillGetTheJsonNotFound(Vertx vertx) {
    WebClient client = Http.client(vertx);
    for (String path :
        new String[] {
          "/no/such/endpoint",
          "/console/missing.js",
          "/console/../api/openapi.yaml",
          "/console/%2e%2e/api/openapi.yaml",
          "/index.html"
        }) {
      HttpResponse<Buffer> response = get(client, path);
      assertEquals(404, response.statusCode(), path);
      JsonObject body = response.bodyAsJsonObject();
      assertEquals("error", body.getString("status"), path);
    }
  }

  @Test
  void apiRoutesAreNotShadowed(Vertx vertx) {
    WebClient client = Http.client(vertx);
    HttpResponse<Buffer> calls = get(client, "/calls");
    assertEquals(401, calls.statusCode());
    assertEquals("error", calls.bodyAsJsonObject().getString("status"));
    assertEquals(200, get(client, "/health").statusCode());
    assertEquals(
        401,
        get(client, "/ws/calls/transcriptions").statusCode(),
        "missing token is still refused");
  }
}
