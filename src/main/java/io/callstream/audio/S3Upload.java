package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One recording being uploaded to S3: bytes gather up to {@link S3AudioStore#PART}, then go as a
 * multipart part; a recording smaller than one part is a single PUT at the commit. The commit
 * completes the upload, then inserts the {@code call_audio} row (replacing older recordings of the
 * key, whose objects are deleted after). An abort (or a failure) aborts the multipart upload; a
 * node that dies mid-upload leaves an incomplete multipart upload, which a bucket lifecycle rule
 * removes (docs/recordings.md).
 */
final class S3Upload implements AudioUpload {
  private final S3AudioStore store;
  private final String objectKey;
  private final String source;
  private final String contentType;
  private final MessageDigest sha256;
  private final List<CompletedPart> parts = new ArrayList<>();
  private Buffer pending = Buffer.buffer();
  private String uploadId;
  private long size;
  private boolean closed;

  S3Upload(S3AudioStore store, String objectKey, String source, String contentType) {
    this.store = store;
    this.objectKey = objectKey;
    this.source = source;
    this.contentType = contentType;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("upload closed"));
    }
    size += data.length();
    sha256.update(data.getBytes());
    pending.appendBuffer(data);
    if (pending.length() < S3AudioStore.PART) {
      return Future.succeededFuture();
    }
    return sendPart().onFailure(e -> abort());
  }

  private Future<Void> sendPart() {
    byte[] bytes = pending.getBytes();
    pending = Buffer.buffer();
    int number = parts.size() + 1;
    return store.blocking(
        () -> {
          if (uploadId == null) {
            uploadId =
                store
                    .s3()
                    .createMultipartUpload(
                        b -> b.bucket(store.bucket()).key(objectKey).contentType(contentType))
                    .uploadId();
          }
          String etag =
              store
                  .s3()
                  .uploadPart(
                      b ->
                          b.bucket(store.bucket())
                              .key(objectKey)
                              .uploadId(uploadId)
                              .partNumber(number),
                      RequestBody.fromBytes(bytes))
                  .eTag();
          parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
          return null;
        });
  }

  private record Committed(long id, List<AudioRepository.Removed> replaced) {}

  @Override
  public Future<StoredAudio> commit(String key) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("upload closed"));
    }
    String digest = HexFormat.of().formatHex(sha256.digest());
    Future<Void> uploaded = uploadId == null ? putWhole() : completeMultipart();
    return uploaded
        .compose(
            v ->
                store
                    .pool()
                    .withTransaction(
                        db ->
                            store
                                .repository()
                                .insert(
                                    db,
                                    key,
                                    source,
                                    contentType,
                                    size,
                                    S3AudioStore.PART,
                                    digest,
                                    AudioStoreKind.S3,
                                    objectKey)
                                .compose(
                                    id ->
                                        store
                                            .repository()
                                            .replace(db, key, id)
                                            .map(removed -> new Committed(id, removed)))))
        .map(
            done -> {
              closed = true;
              store.delete(
                  done.replaced()); // the older recordings' objects, once their rows are gone for
              // good
              return new StoredAudio(
                  done.id(),
                  key,
                  source,
                  contentType,
                  size,
                  S3AudioStore.PART,
                  digest,
                  AudioStoreKind.S3,
                  objectKey);
            })
        .recover(
            e ->
                abort()
                    .compose(
                        x ->
                            store.blocking(
                                () -> {
                                  store
                                      .s3()
                                      .deleteObject(b -> b.bucket(store.bucket()).key(objectKey));
                                  return null;
                                }))
                    .otherwiseEmpty()
                    .transform(x -> Future.failedFuture(e)));
  }

  private Future<Void> completeMultipart() {
    Future<Void> last = pending.length() > 0 ? sendPart() : Future.succeededFuture();
    return last.compose(
        v ->
            store.<Void>blocking(
                () -> {
                  store
                      .s3()
                      .completeMultipartUpload(
                          b ->
                              b.bucket(store.bucket())
                                  .key(objectKey)
                                  .uploadId(uploadId)
                                  .multipartUpload(m -> m.parts(parts)));
                  return null;
                }));
  }

  private Future<Void> putWhole() {
    byte[] bytes = pending.getBytes();
    pending = Buffer.buffer();
    return store.blocking(
        () -> {
          store
              .s3()
              .putObject(
                  b -> b.bucket(store.bucket()).key(objectKey).contentType(contentType),
                  RequestBody.fromBytes(bytes));
          return null;
        });
  }

  @Override
  public Future<Void> abort() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    pending = Buffer.buffer();
    if (uploadId == null) {
      return Future.succeededFuture();
    }
    return store
        .<Void>blocking(
            () -> {
              store
                  .s3()
                  .abortMultipartUpload(
                      b -> b.bucket(store.bucket()).key(objectKey).uploadId(uploadId));
              return null;
            })
        .otherwiseEmpty();
  }
}
