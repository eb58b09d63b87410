package io.callstream.demo;

import io.callstream.signature.ElevenLabsSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Delivers the simulator's webhooks to callstream the way ElevenLabs does: a JSON POST signed with
 * {@code ElevenLabs-Signature} over the exact bytes, retried with the identical body (freshly
 * signed) on a connection failure, 5xx, 429 or 408; any other status is final. Succeeds with the
 * final status code.
 */
final class WebhookSender {
  private static final Logger LOG = Logger.getLogger(WebhookSender.class.getName());

  /**
   * Pauses before attempts 2, 3, 4 and 5: shorter than ElevenLabs' (minutes), long enough for a
   * node restart.
   */
  static final long[] BACKOFF_MS = {250, 1_000, 2_000, 4_000};

  static final int TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final WebClient client;
  private final String base;
  private final String secret;

  WebhookSender(Vertx vertx, URI target, String secret) {
    this.vertx = vertx;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent("ElevenLabs-simulator")
                .setConnectTimeout(TIMEOUT_MS));
    String url = target.toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.secret = secret;
  }

  String target() {
    return base;
  }

  /**
   * POSTs the body to {@code target + path}; fails only when every attempt failed with a retryable
   * error.
   */
  Future<Integer> send(String path, JsonObject body) {
    return attempt(base + path, body.toBuffer(), 1);
  }

  private Future<Integer> attempt(String url, Buffer bytes, int attempt) {
    HttpRequest<Buffer> request =
        client.postAbs(url).timeout(TIMEOUT_MS).putHeader("Content-Type", "application/json");
    if (secret != null) {
      request.putHeader(
          ElevenLabsSignature.HEADER,
          ElevenLabsSignature.sign(secret, Instant.now().getEpochSecond(), bytes.getBytes()));
    }
    return request
        .sendBuffer(bytes)
        .transform(
            ar -> {
              HttpResponse<Buffer> response = ar.succeeded() ? ar.result() : null;
              if (response != null && !retryable(response.statusCode())) {
                return Future.succeededFuture(response.statusCode());
              }
              String why =
                  response != null
                      ? "HTTP " + response.statusCode()
                      : String.valueOf(ar.cause().getMessage());
              if (attempt > BACKOFF_MS.length) {
                return Future.failedFuture(
                    "webhook " + url + " failed after " + attempt + " attempts: " + why);
              }
              LOG.info(
                  "simulator: webhook "
                      + url
                      + " attempt "
                      + attempt
                      + " failed ("
                      + why
                      + "), retrying");
              return vertx
                  .timer(BACKOFF_MS[attempt - 1])
                  .compose(v -> attempt(url, bytes, attempt + 1));
            });
  }

  static boolean retryable(int status) {
    return status >= 500 || status == 429 || status == 408;
  }
}
