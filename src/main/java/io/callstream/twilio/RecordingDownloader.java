package io.callstream.twilio;

import io.callstream.audio.AudioStore;
import io.callstream.audio.AudioUpload;
import io.callstream.audio.StoredAudio;
import io.callstream.audio.UploadStream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.logging.Logger;

/**
 * Downloads a finished recording into the audio store under its call sid: the response body is
 * piped (with back-pressure) into an {@link AudioUpload} (PostgreSQL chunks or an S3 multipart
 * upload), committed once the body is complete, so memory stays bounded whatever the size, nothing
 * touches the local disk, and no reader ever sees half a recording. A failed attempt (network,
 * non-200, the store) is aborted and retried {@link #ATTEMPTS} times in all with doubling back-off.
 */
public final class RecordingDownloader {
  private static final Logger LOG = Logger.getLogger(RecordingDownloader.class.getName());
  static final int ATTEMPTS = 4;

  /** A download that receives nothing for this long is abandoned (and retried). */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final HttpClient client;
  private final AudioStore store;
  private final long firstBackoffMs;

  public RecordingDownloader(Vertx vertx, AudioStore store, long firstBackoffMs) {
    this.vertx = vertx;
    this.store = store;
    this.firstBackoffMs = firstBackoffMs;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(10_000).setIdleTimeout(IDLE_TIMEOUT_SECONDS));
  }

  /**
   * Fetches {@code url} (authorization may be null) and stores it under {@code key}; durable when
   * it completes.
   */
  public Future<StoredAudio> download(URI url, String authorization, String key) {
    return attempt(url, authorization, key, 1);
  }

  private Future<StoredAudio> attempt(URI url, String authorization, String key, int attempt) {
    return once(url, authorization, key)
        .recover(
            e -> {
              if (attempt >= ATTEMPTS) {
                return Future.failedFuture(e);
              }
              long delay = firstBackoffMs << (attempt - 1);
              LOG.warning(
                  "recording download "
                      + key
                      + " attempt "
                      + attempt
                      + " failed ("
                      + e.getMessage()
                      + "), retrying in "
                      + delay
                      + " ms");
              return vertx.timer(delay).compose(t -> attempt(url, authorization, key, attempt + 1));
            });
  }

  private Future<StoredAudio> once(URI url, String authorization, String key) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(url.toString())
            .setIdleTimeout(IDLE_TIMEOUT_SECONDS * 1000L)
            .putHeader("User-Agent", "callstream");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return client
        .request(request)
        .compose(req -> req.send())
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                return response
                    .end()
                    .transform(
                        ignored ->
                            Future.failedFuture(
                                new IllegalStateException("HTTP " + response.statusCode())));
              }
              response.pause(); // nothing may arrive before the upload is ready to take it
              String type = response.getHeader("Content-Type");
              return store
                  .begin(
                      AudioStore.TWILIO,
                      type == null || !type.startsWith("audio/") ? "audio/mpeg" : type)
                  .onFailure(e -> response.request().connection().close())
                  .compose(
                      upload ->
                          response
                              .pipeTo(new UploadStream(upload))
                              .compose(v -> upload.commit(key))
                              .recover(
                                  e -> {
                                    response
                                        .request()
                                        .connection()
                                        .close(); // the rest of the body is not wanted
                                    return upload
                                        .abort()
                                        .transform(ignored -> Future.failedFuture(e));
                                  }));
            });
  }
}
