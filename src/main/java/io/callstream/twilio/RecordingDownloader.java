package io.callstream.twilio;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Downloads a finished recording into {@code AUDIO_DIR/<call_sid>.mp3}: the response body is piped (with
 * back-pressure) into a temporary file in the same directory, which is renamed into place once complete, so memory
 * stays bounded whatever the size and a reader never sees half a file. A failed attempt (network, non-200) is
 * retried {@link #ATTEMPTS} times in all with doubling back-off.
 */
public final class RecordingDownloader {
  private static final Logger LOG = Logger.getLogger(RecordingDownloader.class.getName());
  static final int ATTEMPTS = 4;
  /** A download that receives nothing for this long is abandoned (and retried). */
  static final int IDLE_TIMEOUT_SECONDS = 30;

  private final Vertx vertx;
  private final HttpClient client;
  private final Path audioDir;
  private final long firstBackoffMs;

  /** A stored recording: the file under AUDIO_DIR and its size in bytes. */
  public record Stored(String fileName, long bytes) {}

  public RecordingDownloader(Vertx vertx, Path audioDir, long firstBackoffMs) {
    this.vertx = vertx;
    this.audioDir = audioDir;
    this.firstBackoffMs = firstBackoffMs;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS));
  }

  /**
   * Fetches {@code url} (authorization may be null) into {@code <fileBase>.mp3}; {@code fileBase} must already be a
   * safe file name (a validated call sid).
   */
  public Future<Stored> download(URI url, String authorization, String fileBase) {
    return attempt(url, authorization, fileBase, 1);
  }

  private Future<Stored> attempt(URI url, String authorization, String fileBase, int attempt) {
    return once(url, authorization, fileBase).recover(e -> {
      if (attempt >= ATTEMPTS) {
        return Future.failedFuture(e);
      }
      long delay = firstBackoffMs << (attempt - 1);
      LOG.warning("recording download " + fileBase + " attempt " + attempt + " failed (" + e.getMessage()
          + "), retrying in " + delay + " ms");
      return vertx.timer(delay).compose(t -> attempt(url, authorization, fileBase, attempt + 1));
    });
  }

  private Future<Stored> once(URI url, String authorization, String fileBase) {
    String fileName = fileBase + ".mp3";
    Path target = audioDir.resolve(fileName);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS * 1000L).putHeader("User-Agent", "callstream");
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return vertx.fileSystem().mkdirs(audioDir.toString())
        .compose(v -> vertx.fileSystem().createTempFile(audioDir.toString(), ".recording-" + fileBase + "-", ".part",
            (String) null))
        .compose(temp -> vertx.fileSystem().open(temp, new OpenOptions().setWrite(true).setTruncateExisting(true))
            .compose(file -> fetch(request, file))
            .compose(v -> vertx.fileSystem().move(temp, target.toString(),
                new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
            .compose(v -> vertx.fileSystem().props(target.toString()))
            .map(props -> new Stored(fileName, props.size()))
            .onFailure(e -> vertx.fileSystem().delete(temp).otherwiseEmpty()));
  }

  /** Sends the request and pipes a 200 body into the (open) file; the pipe ends (closes) the file either way. */
  private Future<Void> fetch(RequestOptions options, AsyncFile file) {
    return client.request(options)
        .compose(req -> req.send())
        .compose(response -> {
          if (response.statusCode() != 200) {
            return response.end().transform(ignored -> Future.failedFuture(
                new IllegalStateException("HTTP " + response.statusCode())));
          }
          return response.pipeTo(file);
        })
        .onFailure(e -> file.close());
  }
}
