package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One recording being written to PostgreSQL: a connection and a transaction of its own from {@link
 * #begin} to {@link #commit} or {@link #abort}; each full chunk is inserted as it fills, so at most
 * one chunk (plus the bytes of the last write) is held. A node that dies mid-upload leaves nothing:
 * the transaction rolls back.
 */
final class PgUpload implements AudioUpload {
  private final SqlConnection connection;
  private final Transaction transaction;
  private final AudioRepository repository;
  private final long id;
  private final String source;
  private final String contentType;
  private final int chunkSize;
  private final MessageDigest sha256;
  private Buffer pending = Buffer.buffer();
  private int seq;
  private long size;
  private boolean closed;

  private PgUpload(
      SqlConnection connection,
      Transaction transaction,
      AudioRepository repository,
      long id,
      String source,
      String contentType,
      int chunkSize) {
    this.connection = connection;
    this.transaction = transaction;
    this.repository = repository;
    this.id = id;
    this.source = source;
    this.contentType = contentType;
    this.chunkSize = chunkSize;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Future<PgUpload> begin(
      Future<SqlConnection> connecting,
      AudioRepository repository,
      String source,
      String contentType,
      int chunkSize) {
    return connecting.compose(
        connection ->
            connection
                .begin()
                .compose(
                    tx ->
                        repository
                            .insert(
                                connection,
                                "",
                                source,
                                contentType,
                                0,
                                chunkSize,
                                null,
                                AudioStoreKind.POSTGRES,
                                null)
                            .map(
                                id ->
                                    new PgUpload(
                                        connection,
                                        tx,
                                        repository,
                                        id,
                                        source,
                                        contentType,
                                        chunkSize)))
                .onFailure(e -> connection.close()));
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("upload closed"));
    }
    size += data.length();
    sha256.update(data.getBytes());
    pending.appendBuffer(data);
    return flush(false).onFailure(e -> abort());
  }

  private Future<Void> flush(boolean last) {
    if (pending.length() >= chunkSize || (last && pending.length() > 0)) {
      int n = Math.min(chunkSize, pending.length());
      Buffer chunk = pending.getBuffer(0, n);
      pending = pending.getBuffer(n, pending.length());
      return repository.chunk(connection, id, seq++, chunk).compose(v -> flush(last));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<StoredAudio> commit(String key) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("upload closed"));
    }
    String digest = HexFormat.of().formatHex(sha256.digest());
    return flush(true)
        .compose(v -> repository.finish(connection, id, key, size, digest))
        .compose(v -> repository.replace(connection, key, id))
        .compose(v -> transaction.commit())
        .map(
            v -> {
              closed = true;
              connection.close();
              return new StoredAudio(
                  id,
                  key,
                  source,
                  contentType,
                  size,
                  chunkSize,
                  digest,
                  AudioStoreKind.POSTGRES,
                  null);
            })
        .recover(e -> abort().transform(ignored -> Future.failedFuture(e)));
  }

  @Override
  public Future<Void> abort() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    pending = Buffer.buffer();
    return transaction.rollback().otherwiseEmpty().eventually(connection::close).mapEmpty();
  }
}
