package io.callstream.audio;

import io.callstream.config.AudioConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Recordings as {@code call_audio_chunks} rows of {@link #CHUNK} bytes, written in one transaction with the
 * {@code call_audio} row ({@link PgUpload}), read one chunk (or the part of it a range needs) at a time. Memory per
 * upload or download: about one chunk.
 */
public final class PgAudioStore implements AudioStore {
  /** Bytes per chunk row: big enough that a 200 MiB recording is 400 rows, small enough to hold a few at once. */
  public static final int CHUNK = 512 * 1024;

  private final Pool pool;
  private final AudioRepository repository = new AudioRepository();

  public PgAudioStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<AudioUpload> begin(String source, String contentType) {
    return PgUpload.begin(pool, repository, source, contentType, CHUNK).map(upload -> upload);
  }

  @Override
  public Future<StoredAudio> find(List<String> keys) {
    return find(pool, repository, keys, 0);
  }

  static Future<StoredAudio> find(Pool pool, AudioRepository repository, List<String> keys, int i) {
    if (i >= keys.size()) {
      return Future.succeededFuture(null);
    }
    return repository.find(pool, keys.get(i))
        .compose(found -> found != null ? Future.succeededFuture(found) : find(pool, repository, keys, i + 1));
  }

  @Override
  public Future<Void> read(StoredAudio audio, long offset, long length, WriteStream<Buffer> out) {
    if (length <= 0) {
      return Future.succeededFuture();
    }
    int seq = (int) (offset / audio.chunkSize());
    int within = (int) (offset % audio.chunkSize());
    int n = (int) Math.min(audio.chunkSize() - within, length);
    return repository.read(pool, audio.id(), seq, within, n)
        .compose(bytes -> bytes == null || bytes.length() != n
            ? Future.failedFuture(new IllegalStateException("recording " + audio.id() + " lacks chunk " + seq))
            : out.write(bytes))
        .compose(v -> read(audio, offset + n, length - n, out));
  }

  @Override
  public Future<Integer> expire(int days, int limit) {
    return repository.expire(pool, days, limit).map(List::size);
  }
}
