package io.callstream.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.app.Node;
import io.callstream.failure.ErrorCode;
import io.callstream.support.ApiContract;
import io.callstream.support.Await;
import io.callstream.support.Http;
import io.callstream.support.Ports;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exact API contract: machine-readable error codes in every error body, the descriptions served
 * by the node, the document's own rules (operationId and security on every operation, the Error
 * codes = {@link ErrorCode}), and the answer validation of the tests' clients (support/ApiContract)
 * refusing answers that break the document.
 */
@ExtendWith(VertxExtension.class)
class ApiContractTest {
  static String schema;
  static final TestNodes nodes = new TestNodes();
  static Node node;

  @BeforeAll
  static void setUp() {
    schema = TestDatabase.freshSchema("contract");
    node = nodes.start(TestConfig.config(schema, Map.of("HTTP_INSTANCES", "1")));
  }

  @AfterAll
  static void tearDown() {
    nodes.close();
    TestDatabase.dropSchema(schema);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = ApiContractTest.class.getResourceAsStream(name)) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static void assertError(HttpResponse<Buffer> response, int status, String code, String what) {
    assertEquals(status, response.statusCode(), what + ": " + response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("error", body.getString("status"), what);
    assertEquals(code, body.getString("code"), what + ": " + body);
    assertTrue(
        body.getString("error") != null && !body.getString("error").isBlank(),
        what + ": a reason too");
  }

  @Test
  void everyKindOfErrorCarriesItsCode(Vertx vertx) {
    ApiClient api = new ApiClient(vertx, node);
    String dispatcher = api.token("dispatcher");
    long validated = ApiContract.checked();
    assertError(api.get("/calls", null), 401, ErrorCode.UNAUTHORIZED, "no token");
    assertError(api.get("/calls", "not.a.jwt"), 401, ErrorCode.UNAUTHORIZED, "garbage token");
    String expired =
        JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                    .addPubSecKey(
                        new PubSecKeyOptions()
                            .setAlgorithm("HS256")
                            .setBuffer(TestConfig.SECRET_KEY)))
            .generateToken(
                new JsonObject()
                    .put("sub", "late")
                    .put("role", "dispatcher")
                    .put("iat", System.currentTimeMillis() / 1000 - 7200)
                    .put("exp", System.currentTimeMillis() / 1000 - 3600),
                new JWTOptions().setAlgorithm("HS256"));
    assertError(api.get("/calls", expired), 401, ErrorCode.TOKEN_EXPIRED, "expired token");
    assertError(
        api.put(
            "/drivers/d1",
            dispatcher,
            new JsonObject().put("name", "D").put("phone_number", "+14155550123")),
        403,
        ErrorCode.FORBIDDEN,
        "dispatcher writing a driver");
    assertError(
        api.get("/calls/EL_nobody_1", dispatcher), 404, ErrorCode.CALL_NOT_FOUND, "unknown call");
    assertError(
        api.get("/calls/EL_nobody_1/transcript", dispatcher),
        404,
        ErrorCode.CALL_NOT_FOUND,
        "unknown call's transcript");
    assertError(
        api.get("/calls/" + "x".repeat(201), dispatcher),
        400,
        ErrorCode.INVALID_IDENTIFIER,
        "identifier too long");
    assertError(
        api.get("/calls?status=bogus", dispatcher), 400, ErrorCode.INVALID_REQUEST, "bad filter");
    assertError(
        api.post("/auth/token", null, "{not json"),
        400,
        ErrorCode.INVALID_REQUEST,
        "malformed JSON");
    assertError(
        api.post("/auth/token", null, "{\"username\":\"" + "u".repeat(70_000) + "\"}"),
        413,
        ErrorCode.PAYLOAD_TOO_LARGE,
        "body over 64 KiB");
    assertError(api.get("/no/such/endpoint", null), 404, ErrorCode.NOT_FOUND, "unknown endpoint");
    assertError(
        api.send(HttpMethod.DELETE, "/calls", dispatcher, null),
        404,
        ErrorCode.NOT_FOUND,
        "method the path does not serve");
    // no ElevenLabs settings on this node
    assertError(
        api.post("/conversations/conv_1/fetch", dispatcher, null),
        503,
        ErrorCode.UNAVAILABLE,
        "backfill without ELEVENLABS_API_KEY");
    // every one of these answers went through the document's validation, the unknown endpoint
    // excepted
    assertTrue(
        ApiContract.checked() - validated >= 13,
        "answers validated: " + (ApiContract.checked() - validated));
  }

  /**
   * An inbound (Twilio) call shows its direction, caller and recording state, as documented for
   * Call.
   */
  @Test
  void inboundCallsShowTheirInboundColumns(Vertx vertx) {
    TestDatabase.execute(
        "INSERT INTO "
            + schema
            + ".calls (call_sid, status, direction, caller_number, "
            + "recording_status) VALUES ('CA0123456789abcdef0123456789abcdef', 'in_progress', 'inbound', '+14155550199', "
            + "'recording')");
    ApiClient api = new ApiClient(vertx, node);
    JsonObject call =
        api.get("/calls/CA0123456789abcdef0123456789abcdef", api.token("dispatcher"))
            .bodyAsJsonObject();
    assertEquals("inbound", call.getString("direction"), call.encode());
    assertEquals("+14155550199", call.getString("caller_number"));
    assertEquals("recording", call.getString("recording_status"));
    assertTrue(
        call.containsKey("started_by") && call.containsKey("violation_types"), call.encode());
    assertTrue(
        !call.containsKey("recording_file") && !call.containsKey("inbound_answer"),
        "internal columns");
  }

  @Test
  void theDescriptionsAreServedWithoutAToken(Vertx vertx) throws IOException {
    WebClient client = Http.client(vertx);
    for (String name : List.of("openapi.yaml", "asyncapi.yaml")) {
      HttpResponse<Buffer> doc =
          Await.result(client.get(node.port(), "127.0.0.1", "/" + name).send());
      assertEquals(200, doc.statusCode(), name);
      assertEquals("application/yaml", doc.getHeader("Content-Type"), name);
      assertEquals("no-cache", doc.getHeader("Cache-Control"), name);
      assertEquals(resource("/api/" + name), doc.bodyAsString(), name + " is the document itself");
      String etag = doc.getHeader("ETag");
      assertNotNull(etag, name + ": revalidation needs a validator");
      HttpResponse<Buffer> again =
          Await.result(
              client
                  .get(node.port(), "127.0.0.1", "/" + name)
                  .putHeader("If-None-Match", etag)
                  .send());
      assertEquals(304, again.statusCode(), name);
      assertEquals(0, again.body() == null ? 0 : again.body().length(), name + ": 304 has no body");
      HttpResponse<Buffer> stale =
          Await.result(
              client
                  .get(node.port(), "127.0.0.1", "/" + name)
                  .putHeader("If-None-Match", "\"stale\"")
                  .send());
      assertEquals(200, stale.statusCode(), name + ": another ETag gets the document");
    }
  }

  @Test
  void everyOperationHasAnIdAndSecurityAndTheErrorCodesAreTheCodesOfTheCode() throws Exception {
    OpenAPI api = new OpenAPIV3Parser().readContents(resource("/api/openapi.yaml")).getOpenAPI();
    Set<String> ids = new HashSet<>();
    api.getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, op) -> {
                          String what = method + " " + path;
                          assertNotNull(op.getOperationId(), what + " has an operationId");
                          assertTrue(
                              ids.add(op.getOperationId()), what + ": operationId is unique");
                          assertNotNull(
                              op.getSecurity(),
                              what + " states its security (an empty list when public)");
                          op.getResponses()
                              .forEach(
                                  (status, answer) -> {
                                    // /ready's 503 is its readiness report, not an error
                                    if ((status.startsWith("4") || status.startsWith("5"))
                                        && !path.equals("/ready")) {
                                      assertErrorSchema(
                                          api,
                                          what + " " + status,
                                          answer.get$ref() != null
                                              ? api.getComponents()
                                                  .getResponses()
                                                  .get(
                                                      answer
                                                          .get$ref()
                                                          .replace("#/components/responses/", ""))
                                              : answer);
                                    }
                                  });
                        }));
    Set<String> codes = new HashSet<>();
    for (Field f : ErrorCode.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        codes.add((String) f.get(null));
      }
    }
    Schema<?> error = api.getComponents().getSchemas().get("Error");
    Schema<?> code = (Schema<?>) error.getProperties().get("code");
    assertEquals(
        codes,
        new HashSet<>(code.getEnum().stream().map(String::valueOf).toList()),
        "the Error schema lists exactly the codes of io.callstream.failure.ErrorCode");
    assertTrue(error.getRequired().contains("code"), "every error body carries its code");
  }

  /**
   * A JSON error answer is the Error schema; a body-less one (416, a refused upgrade's 429) has no
   * content.
   */
  private static void assertErrorSchema(
      OpenAPI api, String what, io.swagger.v3.oas.models.responses.ApiResponse r) {
    if (r.getContent() == null) {
      return;
    }
    var json = r.getContent().get("application/json");
    assertNotNull(json, what + " answers JSON");
    assertEquals(
        "#/components/schemas/Error",
        json.getSchema().get$ref(),
        what + " answers the Error schema");
  }

  /**
   * The tests' clients refuse an answer with an undocumented status or a body that is not the
   * documented one.
   */
  @Test
  void theClientsRefuseAnswersThatBreakTheDocument(Vertx vertx) {
    int port = Ports.free();
    HttpServer liar =
        Await.result(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      switch (req.path()) {
                        case "/health" ->
                            req.response()
                                .putHeader("Content-Type", "application/json")
                                .end("{\"status\":\"fine\"}");
                        case "/drivers" -> req.response().setStatusCode(418).end();
                        case "/calls/x" ->
                            req.response()
                                .setStatusCode(404)
                                .putHeader("Content-Type", "application/json")
                                .end("{\"status\":\"error\",\"error\":\"no code\"}");
                        default ->
                            req.response()
                                .putHeader("Content-Type", "application/json")
                                .end("{\"anything\":1}");
                      }
                    })
                .listen(port, "127.0.0.1"));
    try {
      WebClient client = Http.client(vertx);
      Throwable wrongBody = Await.failure(client.get(port, "127.0.0.1", "/health").send());
      assertTrue(
          wrongBody instanceof AssertionError
              && wrongBody.getMessage().contains("GET /health")
              && wrongBody.getMessage().contains("fine"),
          String.valueOf(wrongBody));
      Throwable undocumented = Await.failure(client.get(port, "127.0.0.1", "/drivers").send());
      assertTrue(
          undocumented instanceof AssertionError && undocumented.getMessage().contains("418"),
          String.valueOf(undocumented));
      Throwable noCode = Await.failure(client.get(port, "127.0.0.1", "/calls/x").send());
      assertTrue(
          noCode instanceof AssertionError && noCode.getMessage().contains("code"),
          String.valueOf(noCode));
      // a route the document does not list is not this check's business (OpenApiCoverageTest's)
      assertEquals(
          200, Await.result(client.get(port, "127.0.0.1", "/not/documented").send()).statusCode());
    } finally {
      Await.result(liar.close());
    }
  }
}
