package io.callstream.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP API contract, enforced on the tests' own traffic: every answer a test client receives on
 * a route that api/openapi.yaml documents (method + path) is validated against it: the status must
 * be documented for that operation, the content type must be one it lists, and a JSON body must
 * match its schema. A mismatch fails the request (the test sees an AssertionError naming the
 * operation and what did not match). Answers on routes the document does not list (the console's
 * files, an unknown path's 404, a method the path does not serve) are not checked here; {@code
 * OpenApiCoverageTest} checks that every served route is listed.
 */
public final class ApiContract {
  private static final OpenApiInteractionValidator VALIDATOR =
      OpenApiInteractionValidator.createForInlineApiSpecification(document())
          .withLevelResolver(
              LevelResolver.create()
                  // routes the document does not describe are OpenApiCoverageTest's business, not
                  // this check's
                  .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                  .withLevel(
                      "validation.request.operation.notAllowed", ValidationReport.Level.IGNORE)
                  .build())
          .build();
  private static final AtomicLong CHECKED = new AtomicLong();

  private ApiContract() {}

  /** How many answers have been validated in this JVM (so a test can prove the hook is on). */
  public static long checked() {
    return CHECKED.get();
  }

  /** The client, with every answer it receives validated. */
  public static WebClient enforce(WebClient client) {
    return ((WebClientInternal) client).addInterceptor(ApiContract::intercept);
  }

  private static void intercept(HttpContext<?> ctx) {
    if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
      ctx.next();
      return;
    }
    HttpMethod method = ctx.request().method();
    String uri = ctx.requestOptions().getURI();
    String path = uri == null ? "/" : uri.split("\\?", 2)[0];
    String problem = problem(method.name(), path, ctx.response());
    if (problem == null) {
      ctx.next();
    } else {
      ctx.fail(new AssertionError(problem));
    }
  }

  /**
   * Why the answer breaks the documented contract, or null when it keeps it (or the route is not
   * documented).
   */
  public static String problem(String method, String path, HttpResponse<?> response) {
    Object body = response.body();
    return problem(
        method,
        path,
        response.statusCode(),
        response.getHeader("Content-Type"),
        body instanceof Buffer buffer ? buffer.getBytes() : null);
  }

  /**
   * For answers received by other clients (java.net.http): fails with an AssertionError naming what
   * breaks the document.
   */
  public static void check(
      String method, String path, int status, String contentType, String body) {
    String problem =
        problem(
            method,
            path.split("\\?", 2)[0],
            status,
            contentType,
            body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    if (problem != null) {
      throw new AssertionError(problem);
    }
  }

  static String problem(String method, String path, int status, String type, byte[] body) {
    Request.Method m;
    try {
      m = Request.Method.valueOf(method);
    } catch (IllegalArgumentException e) {
      return null;
    }
    SimpleResponse.Builder answer = SimpleResponse.Builder.status(status);
    if (type != null) {
      answer.withContentType(type);
    }
    if (body != null && body.length > 0) {
      if (type != null
          && (type.contains("json") || type.startsWith("text/") || type.contains("yaml"))) {
        answer.withBody(new String(body, StandardCharsets.UTF_8));
      } else {
        answer.withBody(body);
      }
    }
    ValidationReport report = VALIDATOR.validateResponse(path, m, answer.build());
    CHECKED.incrementAndGet();
    if (!report.hasErrors()) {
      return null;
    }
    String text = body == null ? "(none)" : new String(body, StandardCharsets.UTF_8);
    return "the answer to "
        + method
        + " "
        + path
        + " breaks api/openapi.yaml: status "
        + status
        + ", Content-Type "
        + type
        + ", body "
        + (text.length() > 600 ? text.substring(0, 600) + "..." : text)
        + "\n"
        + SimpleValidationReportFormat.getInstance().apply(report);
  }

  private static String document() {
    try (InputStream in = ApiContract.class.getResourceAsStream("/api/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("api/openapi.yaml is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
