package io.callstream.webhook;

import io.callstream.support.Await;
import io.callstream.support.TestConfig;
import io.callstream.support.TestDatabase;
import io.callstream.support.WebhookSigner;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Signed webhook requests, fixture bodies and calls rows for the webhook tests. */
final class WebhookTestSupport {
  /**
   * ElevenLabs' real-shaped bodies (a copy of shared/fixtures, so the suite runs from any clone).
   */
  static final Path FIXTURES =
      Path.of(System.getProperty("callstream.fixtures", "src/test/resources/fixtures"));

  static final String CALL_SID = "EL_D-1042_1795262330";
  static final String CONVERSATION_ID = "conv_7301kdef1ghj2kmn3pqr4stv5w";

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

  static HttpResponse<Buffer> post(WebClient client, int port, String path, byte[] body) {
    return Await.result(
        client
            .post(port, "127.0.0.1", path)
            .putHeader(
                SignatureVerifier.HEADER, WebhookSigner.sign(body, TestConfig.WEBHOOK_SECRET))
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body)));
  }

  static HttpResponse<Buffer> postWithHeader(
      WebClient client, int port, String path, byte[] body, String header, String value) {
    var request =
        client.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json");
    if (value != null) {
      request.putHeader(header, value);
    }
    return Await.result(request.sendBuffer(Buffer.buffer(body)));
  }

  /** Inserts a calls row; returns its id. */
  static long insertCall(String schema, String callSid, String conversationId, String status) {
    String conv = conversationId == null ? "NULL" : "'" + conversationId + "'";
    return ((Number)
            TestDatabase.queryValue(
                schema,
                "INSERT INTO calls (call_sid, conversation_id, status) VALUES ('"
                    + callSid
                    + "', "
                    + conv
                    + ", '"
                    + status
                    + "') RETURNING id"))
        .longValue();
  }

  static long count(String schema, String sql) {
    return ((Number) TestDatabase.queryValue(schema, sql)).longValue();
  }
}
