package io.callstream.webhook;

import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Signed webhook requests, fixture bodies, calls rows and an event recorder for the webhook tests. */
final class WebhookTestSupport {
  /** ElevenLabs' real-shaped bodies (a copy of shared/fixtures, so the suite runs from any clone). */
  static final Path FIXTURES = Path.of(System.getProperty("callstream.fixtures", "src/test/resources/fixtures"));
  static final String CALL_SID = "EL_D-1042_1795262330";
  static final String CONVERSATION_ID = "conv_7301kdef1ghj2kmn3pqr4stv5w";

  private static final AtomicLong MARKERS = new AtomicLong();

  private WebhookTestSupport() {}

  static byte[] fixture(String name) {
    try {
      return Files.readAllBytes(FIXTURES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String sign(byte[] body) {
    return SignatureVerifier.sign(TestConfig.WEBHOOK_SECRET, System.currentTimeMillis() / 1000, body);
  }

  static HttpResponse<Buffer> post(WebClient client, int port, String path, byte[] body) {
    return TestNodes.await(client.post(port, "127.0.0.1", path)
        .putHeader(SignatureVerifier.HEADER, sign(body))
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  static HttpResponse<Buffer> postWithHeader(WebClient client, int port, String path, byte[] body, String header,
                                             String value) {
    var request = client.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json");
    if (value != null) {
      request.putHeader(header, value);
    }
    return TestNodes.await(request.sendBuffer(Buffer.buffer(body)));
  }

  /** Inserts a calls row; returns its id. */
  static long insertCall(String schema, String callSid, String conversationId, String status) {
    String conv = conversationId == null ? "NULL" : "'" + conversationId + "'";
    return ((Number) TestDatabase.queryValue(schema, "INSERT INTO calls (call_sid, conversation_id, status) VALUES ('"
        + callSid + "', " + conv + ", '" + status + "') RETURNING id")).longValue();
  }

  static long count(String schema, String sql) {
    return ((Number) TestDatabase.queryValue(schema, sql)).longValue();
  }

  /** Records every event published on the call-events address as seen by one Vert.x. */
  static final class Recorder {
    final List<CallEvents.Received> events = new CopyOnWriteArrayList<>();
    final MessageConsumer<String> consumer;

    Recorder(Vertx vertx) {
      consumer = vertx.eventBus().consumer(CallEvents.ADDRESS, m -> events.add(CallEvents.decode(m)));
      TestNodes.await(consumer.completion());
    }

    List<String> types(long callId) {
      return events.stream().filter(e -> e.callId() == callId).map(CallEvents.Received::type).toList();
    }

    List<CallEvents.Received> of(long callId) {
      return events.stream().filter(e -> e.callId() == callId).toList();
    }

    /**
     * Waits until every event published so far by these nodes has arrived: each publishes a marker after
     * everything it published before (one connection per sender keeps the order), and the markers are awaited.
     */
    void settle(Vertx... publishers) {
      long marker = -1_000_000 - MARKERS.incrementAndGet() * 100L;
      for (int i = 0; i < publishers.length; i++) {
        CallEvents.publish(publishers[i].eventBus(),
            new CallStatusEvent(marker - i, "marker", null, "marker", Instant.now()));
      }
      long deadline = System.currentTimeMillis() + 20_000;
      while (events.stream().filter(e -> e.callId() <= marker && e.callId() > marker - 100).count() < publishers.length) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("event markers never arrived");
        }
        LockSupport.parkNanos(5_000_000); // polling with a deadline
      }
    }

    /** Waits until this recorder's consumer is known on another node (markers published there arrive here). */
    void awaitVisibleFrom(Vertx other) {
      long deadline = System.currentTimeMillis() + 20_000;
      while (System.currentTimeMillis() < deadline) {
        long marker = -2_000_000 - MARKERS.incrementAndGet();
        CallEvents.publish(other.eventBus(), new CallStatusEvent(marker, "marker", null, "marker", Instant.now()));
        long until = System.currentTimeMillis() + 500;
        while (System.currentTimeMillis() < until) {
          if (events.stream().anyMatch(e -> e.callId() == marker)) {
            return;
          }
          LockSupport.parkNanos(5_000_000); // polling with a deadline
        }
      }
      throw new AssertionError("event consumer never became visible across the cluster");
    }

    void close() {
      TestNodes.await(consumer.unregister());
    }
  }
}
