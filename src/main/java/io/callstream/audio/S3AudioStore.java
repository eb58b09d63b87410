package io.callstream.audio;

import io.callstream.config.AudioConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * AUDIO_STORE=s3: the bytes of each recording are one object in an S3-compatible bucket
 * (AUDIO_S3_*), uploaded in {@link #PART}-byte multipart parts as they arrive ({@link S3Upload});
 * its {@code call_audio} row, inserted once the object is complete, is what makes it visible, so
 * lookups, replacement and retention work as with PostgreSQL. Ranges are fetched {@link
 * #READ_SLICE} bytes at a time. The AWS SDK's synchronous client runs only in executeBlocking,
 * never on an event loop.
 */
public final class S3AudioStore implements AudioStore {
  private static final Logger LOG = Logger.getLogger(S3AudioStore.class.getName());

  /** S3's smallest part (but the last): at most about two of these are held per upload. */
  public static final int PART = 5 * 1024 * 1024;

  static final int READ_SLICE = 1024 * 1024;

  private final Vertx vertx;
  private final Pool pool;

  /**
   * Built on first use, on a worker thread (the SDK reads its configuration files when building).
   */
  private S3Client s3;

  private final AudioConfig.S3 settings;
  private final AudioRepository repository = new AudioRepository();

  public S3AudioStore(Vertx vertx, Pool pool, AudioConfig.S3 settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
  }

  /**
   * Path-style or virtual-host addressing as set; checksums only where S3 requires them
   * (S3-compatible servers).
   */
  static S3Client client(AudioConfig.S3 settings) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .forcePathStyle(settings.pathStyle())
            .httpClient(UrlConnectionHttpClient.create())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .credentialsProvider(
                settings.accessKey() == null
                    ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  <T> Future<T> blocking(Callable<T> call) {
    return vertx.executeBlocking(call, false);
  }

  /** Only on a worker thread (inside {@link #blocking}). */
  synchronized S3Client s3() {
    if (s3 == null) {
      s3 = client(settings);
    }
    return s3;
  }

  String bucket() {
    return settings.bucket();
  }

  Pool pool() {
    return pool;
  }

  AudioRepository repository() {
    return repository;
  }

  @Override
  public Future<AudioUpload> begin(String source, String contentType) {
    String objectKey = settings.prefix() + java.util.UUID.randomUUID() + ".mp3";
    return Future.succeededFuture(new S3Upload(this, objectKey, source, contentType));
  }

  @Override
  public Future<StoredAudio> find(List<String> keys) {
    return PgAudioStore.find(pool, repository, keys, 0);
  }

  @Override
  public Future<Void> read(StoredAudio audio, long offset, long length, WriteStream<Buffer> out) {
    if (length <= 0) {
      return Future.succeededFuture();
    }
    long n = Math.min(READ_SLICE, length);
    String range = "bytes=" + offset + "-" + (offset + n - 1);
    return blocking(
            () ->
                s3().getObjectAsBytes(
                        b -> b.bucket(settings.bucket()).key(audio.objectKey()).range(range))
                    .asByteArray())
        .compose(
            bytes ->
                bytes.length != n
                    ? Future.failedFuture(
                        new IllegalStateException("object " + audio.objectKey() + " is short"))
                    : out.write(Buffer.buffer(bytes)))
        .compose(v -> read(audio, offset + n, length - n, out));
  }

  @Override
  public Future<Integer> expire(int days, int limit) {
    return repository
        .expire(pool, days, limit)
        .compose(removed -> delete(removed).map(v -> removed.size()));
  }

  /**
   * Deletes the objects of rows already deleted; a failure leaves an orphan object, logged, never
   * an error.
   */
  Future<Void> delete(List<AudioRepository.Removed> removed) {
    List<String> keys =
        removed.stream()
            .filter(r -> r.objectKey() != null)
            .map(AudioRepository.Removed::objectKey)
            .toList();
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return blocking(
            () -> {
              for (String key : keys) {
                try {
                  s3().deleteObject(b -> b.bucket(settings.bucket()).key(key));
                } catch (RuntimeException e) {
                  LOG.warning(
                      "could not delete the object "
                          + key
                          + " of a deleted recording: "
                          + e.getMessage());
                }
              }
              return null;
            })
        .mapEmpty();
  }
}
