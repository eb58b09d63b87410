package io.callstream.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed live transcript turns (contract §2, POST /webhooks/elevenlabs/transcription) as
 * ElevenLabs' signature scheme signs them: {@code t=<secs>,v0=hex(HMAC-SHA256(secret, t + "." +
 * body))}. Each turn's message starts with {@code bench#<id>}, which the subscribers read back from
 * the frame to time it.
 */
final class Turns {
  static final String PATH = "/webhooks/elevenlabs/transcription";

  /** A typical spoken turn (about 90 characters); pgbench inserts the same text. */
  static final String MESSAGE =
      "Hello, this is the dispatch assistant calling about your delivery schedule for tomorrow.";

  static final String MARK = "bench#";

  private final WebClient client;
  private final int port;
  private final ThreadLocal<Mac> mac;

  Turns(Vertx vertx, int port, String secret, int connections) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setKeepAlive(true)
                .setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(100_000));
    this.port = port;
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  static String body(String callSid, long id) {
    return body(callSid, id, MESSAGE);
  }

  /** {@code message}: plain ASCII without quotes or backslashes. */
  static String body(String callSid, long id, String message) {
    return "{\"call_sid\":\""
        + callSid
        + "\",\"speaker\":\"agent\",\"message\":\""
        + MARK
        + id
        + " "
        + message
        + "\",\"timestamp\":\""
        + Instant.now()
        + "\"}";
  }

  /** Posts one signed turn; the future holds the HTTP status. */
  Future<Integer> post(String callSid, long id) {
    return post(callSid, id, MESSAGE);
  }

  /** Posts one signed turn saying {@code message} (see {@link #body(String, long, String)}). */
  Future<Integer> post(String callSid, long id, String message) {
    byte[] body = body(callSid, id, message).getBytes(StandardCharsets.UTF_8);
    return client
        .post(port, "127.0.0.1", PATH)
        .putHeader("Content-Type", "application/json")
        .putHeader("ElevenLabs-Signature", sign(body))
        .sendBuffer(Buffer.buffer(body))
        .map(r -> r.statusCode());
  }

  private String sign(byte[] body) {
    long t = System.currentTimeMillis() / 1000;
    Mac m = mac.get();
    m.update((t + ".").getBytes(StandardCharsets.UTF_8));
    return "t=" + t + ",v0=" + HexFormat.of().formatHex(m.doFinal(body));
  }

  /**
   * The bench id in a frame's text ({@code bench#<id>}), or -1. Cheap: no JSON parsing on the hot
   * path.
   */
  static long idOf(String frame) {
    int at = frame.indexOf(MARK);
    if (at < 0) {
      return -1;
    }
    long id = 0;
    for (int i = at + MARK.length(); i < frame.length(); i++) {
      char c = frame.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      id = id * 10 + (c - '0');
    }
    return id;
  }

  void close() {
    client.close();
  }
}
