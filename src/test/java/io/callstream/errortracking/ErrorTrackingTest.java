package io.callstream.errortracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentry.Sentry;
import io.sentry.protocol.Request;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a local HTTP server standing in for Sentry (the DSN points at it): captured errors arrive
 * as envelopes on /api/1/envelope/ with their tokens, secrets and transcript text scrubbed; 4xx are
 * neither sent nor counted; a blocked event loop is reported.
 */
class ErrorTrackingTest {
  static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl";

  /** Every string here was in a message, the route or the scope; none may reach the tracker. */
  static final List<String> FORBIDDEN =
      List.of("eyJ", "SECRET", "TRANSCRIPT", "+447700900123", "PATH-QUERY");

  static Vertx server;
  static final List<Received> received = new CopyOnWriteArrayList<>();
  static final LinkedBlockingQueue<Received> arrivals = new LinkedBlockingQueue<>();
  static final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  static SentryLink sentry;
  static ErrorTracking tracking;

  record Received(String path, String body) {
    /** The event item of the envelope (header line, item header line, payload line), or null. */
    JsonObject event() {
      String[] lines = body.split("\n");
      for (int i = 1; i + 1 < lines.length; i++) {
        if (lines[i].startsWith("{")
            && "event".equals(new JsonObject(lines[i]).getString("type"))) {
          return new JsonObject(lines[i + 1]);
        }
      }
      return null;
    }
  }

  @BeforeAll
  static void setUp() throws Exception {
    server = Vertx.vertx();
    HttpServer http =
        server
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            buf -> {
                              byte[] bytes = buf.getBytes();
                              String body =
                                  "gzip".equalsIgnoreCase(req.getHeader("Content-Encoding"))
                                      ? gunzip(bytes)
                                      : new String(bytes, StandardCharsets.UTF_8);
                              Received r = new Received(req.path(), body);
                              received.add(r);
                              arrivals.add(r);
                              req.response()
                                  .putHeader("Content-Type", "application/json")
                                  .end("{}");
                            }));
    int port =
        http.listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS)
            .actualPort();
    sentry =
        SentryLink.open("http://publickey@127.0.0.1:" + port + "/1", "test", "callstream@test");
    tracking = new ErrorTracking(sentry, metrics);
  }

  @AfterAll
  static void tearDown() throws Exception {
    tracking.close();
    sentry.close();
    server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static String gunzip(byte[] bytes) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits for the envelope whose event matches; other envelopes (from other tests) are passed over.
   */
  private static Received awaitEvent(Predicate<JsonObject> matches) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Received r = arrivals.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r == null) {
        fail("no matching envelope arrived within 30 s; received " + received.size());
      }
      JsonObject event = r.event();
      if (event != null && matches.test(event)) {
        return r;
      }
    }
  }

  private static String tag(JsonObject event, String name) {
    JsonObject tags = event.getJsonObject("tags");
    return tags == null ? null : tags.getString(name);
  }

  private static double count(String kind) {
    return metrics.get(ErrorTracking.METRIC).tag("kind", kind).counter().count();
  }

  private static void assertScrubbed(Received r) {
    for (String secret : FORBIDDEN) {
      assertFalse(r.body().contains(secret), () -> "envelope leaks " + secret + ": " + r.body());
    }
  }

  @Test
  void serverErrorArrivesScrubbed() throws Exception {
    double before = count("http_5xx");
    Sentry.configureScope(
        scope -> {
          Request request = new Request();
          request.setUrl("http://node1:8080/ws/calls?token=" + JWT);
          request.setQueryString("token=SECRET-QUERY");
          request.setHeaders(
              Map.of(
                  "Authorization",
                  "Bearer SECRET-BEARER",
                  "ElevenLabs-Signature",
                  "t=1,v0=SECRET"));
          request.setData("{\"message_text\":\"TRANSCRIPT-BODY\"}");
          scope.setRequest(request);
          scope.setExtra(
              "turn", "LiveTurn[speaker=user, message=TRANSCRIPT-EXTRA my card, sequence=3]");
        });
    IllegalStateException failure =
        new IllegalStateException(
            "apply failed for "
                + JWT
                + " at /ws?token=SECRET-TOKEN&x=1 with {\"message_text\":\"TRANSCRIPT-JSON\"}"
                + " turn LiveTurn[speaker=user, message=TRANSCRIPT-RECORD, she said hi, sequence_number=4] to +447700900123",
            new RuntimeException(
                "password=SECRET-PASSWORD rejected; api_key=SECRET-KEY; parse 'TRANSCRIPT-QUOTED'"));
    try {
      tracking.captureServerError(
          "POST", "/webhooks/elevenlabs/post-call?PATH-QUERY=1", 500, failure);

      Received r = awaitEvent(e -> "http_5xx".equals(tag(e, "kind")));
      assertEquals("/api/1/envelope/", r.path());
      JsonObject event = r.event();
      assertEquals("/webhooks/elevenlabs/post-call", tag(event, "route"));
      assertEquals("500", tag(event, "status"));
      assertEquals("test", event.getString("environment"));
      assertEquals("callstream@test", event.getString("release"));
      assertTrue(r.body().contains("IllegalStateException"), r.body());
      assertTrue(
          r.body().contains("apply failed for [jwt]"),
          r.body()); // the harmless part of the message stays
      assertScrubbed(r);
      assertEquals(before + 1, count("http_5xx"));
    } finally {
      Sentry.configureScope(
          scope -> {
            scope.setRequest(null);
            scope.removeExtra("turn");
          });
    }
  }

  @Test
  void clientErrorsAreNeitherSentNorCounted() throws Exception {
    double before = count("http_5xx");
    tracking.captureServerError(
        "GET", "/client-error-marker", 404, new RuntimeException("no call TRANSCRIPT-404"));
    tracking.captureException(
        "reconciler", new RuntimeException("reconcile failed token=SECRET-RECONCILE"));

    Received r = awaitEvent(e -> "reconciler".equals(tag(e, "where")));
    assertEquals("exception", tag(r.event(), "kind"));
    assertScrubbed(r);
    Sentry.flush(
        10_000); // everything queued has been delivered (and so recorded) when this returns
    assertTrue(
        received.stream().noneMatch(e -> e.body().contains("client-error-marker")),
        "a 404 was sent");
    assertEquals(before, count("http_5xx"));
  }

  @Test
  void aServerErrorWithoutThrowableIsAMessage() throws Exception {
    tracking.captureServerError("GET", "/calls/:id", 502, null);
    Received r = awaitEvent(e -> "502".equals(tag(e, "status")));
    assertTrue(r.body().contains("HTTP 502 GET /calls/:id"), r.body());
  }

  @Test
  void aBlockedEventLoopIsReported() throws Exception {
    double before = count("blocked_thread");
    Vertx blocking =
        Vertx.vertx(
            new VertxOptions()
                .setBlockedThreadCheckInterval(50)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(20)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setWarningExceptionTime(20)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    try {
      // The event loop is blocked on purpose, until the checker's warning has been counted (bounded
      // at 20 s).
      CompletableFuture<Boolean> spun = new CompletableFuture<>();
      blocking.runOnContext(
          v -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count("blocked_thread") == before && System.nanoTime() < deadline) {
              Thread.onSpinWait();
            }
            spun.complete(count("blocked_thread") > before);
          });
      assertTrue(spun.get(30, TimeUnit.SECONDS), "no blocked-thread warning was counted");
      Received r = awaitEvent(e -> "blocked_thread".equals(tag(e, "kind")));
      assertEquals("warning", r.event().getString("level"));
      assertTrue(tag(r.event(), "thread").startsWith("vert.x-eventloop-thread-"), r.body());
    } finally {
      blocking.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
