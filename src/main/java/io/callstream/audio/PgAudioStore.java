package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Recordings as {@code call_audio_chunks} rows of {@link #CHUNK} bytes, written in one transaction
 * with the {@code call_audio} row ({@link PgUpload}), read one chunk (or the part of it a range
 * needs) at a time. Memory per upload or download: about one chunk. An upload holds its transaction
 * open as long as the body takes to arrive, so it runs on a connection of its own ({@code
 * application_name callstream-audio}), never one of the pool's: a few slow uploads cannot starve
 * the API and the webhooks of pooled connections.
 */
public final class PgAudioStore implements AudioStore {
  /**
   * Bytes per chunk row: big enough that a 200 MiB recording is 400 rows, small enough to hold a
   * few at once.
   */
  public static final int CHUNK = 512 * 1024;

  private final Pool pool;
  private final Supplier<Future<SqlConnection>> uploadConnection;
  private final AudioRepository repository = new AudioRepository();

  /** {@code uploadConnection} opens a dedicated connection per upload (closed at its end). */
  public PgAudioStore(Pool pool, Supplier<Future<SqlConnection>> uploadConnection) {
    this.pool = pool;
    this.uploadConnection = uploadConnection;
  }

  @Override
  public Future<AudioUpload> begin(String source, String contentType) {
    return PgUpload.begin(uploadConnection.get(), repository, source, contentType, CHUNK)
        .map(upload -> upload);
  }

  @Override
  public Future<StoredAudio> find(List<String> keys) {
    return find(pool, repository, keys, 0);
  }

  static Future<StoredAudio> find(Pool pool, AudioRepository repository, List<String> keys, int i) {
    if (i >= keys.size()) {
      return Future.succeededFuture(null);
    }
    return repository
        .find(pool, keys.get(i))
        .compose(
            found ->
                found != null
                    ? Future.succeededFuture(found)
                    : find(pool, repository, keys, i + 1));
  }

  @Override
  public Future<Void> read(StoredAudio audio, long offset, long length, WriteStream<Buffer> out) {
    if (length <= 0) {
      return Future.succeededFuture();
    }
    int seq = (int) (offset / audio.chunkSize());
    int within = (int) (offset % audio.chunkSize());
    int n = (int) Math.min(audio.chunkSize() - within, length);
    return repository
        .read(pool, audio.id(), seq, within, n)
        .compose(
            bytes ->
                bytes == null || bytes.length() != n
                    ? Future.failedFuture(
                        new IllegalStateException(
                            "recording " + audio.id() + " lacks chunk " + seq))
                    : out.write(bytes))
        .compose(v -> read(audio, offset + n, length - n, out));
  }

  @Override
  public Future<Integer> expire(int days, int limit) {
    return repository.expire(pool, days, limit).map(List::size);
  }
}
