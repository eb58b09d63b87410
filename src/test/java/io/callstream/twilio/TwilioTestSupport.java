package io.callstream.twilio;

import io.callstream.app.Node;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStatusEvent;
import io.callstream.support.Await;
import io.callstream.support.TestDatabase;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Signed Twilio requests, calls-row reads, an event recorder and a bounded wait for the Twilio
 * tests.
 */
final class TwilioTestSupport {
  static final String PUBLIC_BASE_URL = "https://calls.example.com";
  private static final AtomicLong MARKERS = new AtomicLong();

  private TwilioTestSupport() {}

  static String newCallSid() {
    return "CA" + UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * The form, signed with {@code token} over {@code signedUrl}, posted to the node's {@code path}.
   */
  static HttpResponse<Buffer> post(
      WebClient client, Node node, String path, MultiMap form, String token, String signedUrl) {
    var request = client.post(node.port(), "127.0.0.1", path);
    if (token != null) {
      request.putHeader(TwilioSignature.HEADER, TwilioSignature.sign(token, signedUrl, form));
    }
    return Await.result(request.sendForm(form));
  }

  /** Signed as Twilio would, not waited for. */
  static io.vertx.core.Future<HttpResponse<Buffer>> postAsync(
      WebClient client, Node node, String path, MultiMap form) {
    return client
        .post(node.port(), "127.0.0.1", path)
        .putHeader(
            TwilioSignature.HEADER,
            TwilioSignature.sign(FakeTwilio.AUTH_TOKEN, PUBLIC_BASE_URL + path, form))
        .sendForm(form);
  }

  /** Signed as Twilio would: the auth token over PUBLIC_BASE_URL + path. */
  static HttpResponse<Buffer> post(WebClient client, Node node, String path, MultiMap form) {
    return post(client, node, path, form, FakeTwilio.AUTH_TOKEN, PUBLIC_BASE_URL + path);
  }

  static MultiMap voice(String callSid, String from) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("AccountSid", FakeTwilio.ACCOUNT_SID)
        .add("CallSid", callSid)
        .add("From", from)
        .add("To", "+15557770000")
        .add("CallStatus", "ringing")
        .add("Direction", "inbound")
        .add("ApiVersion", "2010-04-01");
  }

  static MultiMap status(String callSid, String callStatus, String duration) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("AccountSid", FakeTwilio.ACCOUNT_SID)
            .add("CallSid", callSid)
            .add("CallStatus", callStatus)
            .add("Direction", "inbound");
    return duration == null ? form : form.add("CallDuration", duration);
  }

  static Object column(String schema, String callSid, String column) {
    return TestDatabase.queryValue(
        schema, "SELECT " + column + " FROM calls WHERE call_sid = '" + callSid + "'");
  }

  static long callId(String schema, String callSid) {
    return ((Number) column(schema, callSid, "id")).longValue();
  }

  /** Polls (support/Await) until the supplier yields a non-null value. */
  static <T> T eventually(String what, Supplier<T> probe) {
    T value = Await.latest(probe, java.util.Objects::nonNull, java.time.Duration.ofSeconds(30));
    if (value == null) {
      throw new AssertionError("timed out waiting for " + what);
    }
    return value;
  }

  /** Every event published on a node's call-events address. */
  static final class Recorder {
    final List<CallEvents.Received> events = new CopyOnWriteArrayList<>();
    private final Vertx vertx;
    private final CallEvents.Consumers consumer;

    Recorder(Vertx vertx) {
      this.vertx = vertx;
      consumer =
          CallEvents.consume(
              vertx.eventBus(),
              events::add,
              reason -> {
                throw new IllegalArgumentException(reason);
              });
      Await.result(consumer.completion());
    }

    List<String> types(long callId) {
      return events.stream()
          .filter(e -> e.callId() == callId)
          .map(CallEvents.Received::type)
          .toList();
    }

    List<CallEvents.Received> of(long callId) {
      return events.stream().filter(e -> e.callId() == callId).toList();
    }

    /**
     * Waits until everything published before now has arrived: a marker published after it arrives
     * after it.
     */
    void settle() {
      long marker = -1_000_000 - MARKERS.incrementAndGet();
      CallEvents.publish(
          vertx.eventBus(), new CallStatusEvent(marker, "marker", null, "marker", Instant.now()));
      eventually(
          "the event marker",
          () -> events.stream().anyMatch(e -> e.callId() == marker) ? true : null);
    }

    void close() {
      Await.result(consumer.unregister());
    }
  }
}
