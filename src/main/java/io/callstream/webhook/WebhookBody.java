package io.callstream.webhook;

import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A webhook body read with bounded memory: held in memory up to {@link #MEMORY_LIMIT}, beyond that
 * spooled to a temporary file with backpressure. The signature HMAC and the SHA-256 (the inbox
 * dedupe key) are updated per chunk as the bytes arrive. Exactly one of {@link #bytes()} and {@link
 * #spool()} is set.
 */
public record WebhookBody(Buffer bytes, Path spool, long size, String sha256) {
  /** JSON events are limited to 1 MiB; only post_call_audio may be larger. */
  public static final int MEMORY_LIMIT = 1 << 20;

  public boolean spooled() {
    return spool != null;
  }

  /** Deletes the spool file, if any (never fails). */
  public Future<Void> discard(Vertx vertx) {
    return spool == null
        ? Future.succeededFuture()
        : vertx.fileSystem().delete(spool.toString()).recover(e -> Future.succeededFuture());
  }

  /**
   * Reads the request; fails with 413 above {@code maxBytes}, 401 when the signature does not
   * match, 503 when the body is large ({@link LargeBodies#THRESHOLD}) and the node already receives
   * as many large bodies as it may. The caller releases {@code permit} once it is done with the
   * body (spool file included).
   */
  public static Future<WebhookBody> read(
      Vertx vertx,
      HttpServerRequest request,
      WebhookAuth.Check check,
      long maxBytes,
      Path spoolDir,
      LargeBodies.Permit permit) {
    long declared = declaredLength(request);
    if (declared > maxBytes) {
      return Future.failedFuture(Failure.tooLarge("body larger than " + maxBytes + " bytes"));
    }
    if (declared > LargeBodies.THRESHOLD && !permit.acquire()) {
      return Future.failedFuture(tooManyLarge());
    }
    return new Reader(vertx, request, check, maxBytes, spoolDir, permit).start();
  }

  static Failure tooManyLarge() {
    return Failure.unavailable(
        "too many large webhook bodies in progress on this node; retry later");
  }

  private static final Pattern LENGTH = Pattern.compile("[0-9]{1,18}");

  /** The request's Content-Length, or -1 when absent or malformed. */
  static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return length != null && LENGTH.matcher(length).matches() ? Long.parseLong(length) : -1;
  }

  private static final class Reader {
    private final Vertx vertx;
    private final HttpServerRequest request;
    private final WebhookAuth.Check check;
    private final long maxBytes;
    private final Path spoolDir;
    private final LargeBodies.Permit permit;
    private final MessageDigest sha = newSha256();
    private final Promise<WebhookBody> result = Promise.promise();
    private Buffer memory = Buffer.buffer();
    private long size;
    private String spoolPath;
    private AsyncFile file;
    private Future<Void> opening;
    private boolean failed;

    Reader(
        Vertx vertx,
        HttpServerRequest request,
        WebhookAuth.Check check,
        long maxBytes,
        Path spoolDir,
        LargeBodies.Permit permit) {
      this.permit = permit;
      this.vertx = vertx;
      this.request = request;
      this.check = check;
      this.maxBytes = maxBytes;
      this.spoolDir = spoolDir;
    }

    Future<WebhookBody> start() {
      request.handler(this::chunk);
      request.exceptionHandler(this::fail);
      request.endHandler(v -> end());
      request.resume();
      return result.future();
    }

    private void chunk(Buffer chunk) {
      if (failed) {
        return;
      }
      size += chunk.length();
      if (size > maxBytes) {
        fail(Failure.tooLarge("body larger than " + maxBytes + " bytes"));
        return;
      }
      if (size > LargeBodies.THRESHOLD && !permit.acquire()) {
        fail(tooManyLarge()); // a chunked body without Content-Length grew large
        return;
      }
      byte[] bytes = chunk.getBytes();
      check.update(bytes, 0, bytes.length);
      sha.update(bytes);
      if (file != null) {
        write(chunk);
      } else if (opening != null || size > MEMORY_LIMIT) {
        memory.appendBuffer(
            chunk); // at most the chunks already in flight while the spool file opens
        if (opening == null) {
          spool();
        }
      } else {
        memory.appendBuffer(chunk);
      }
    }

    /**
     * Switches to a temporary file: pauses the request until the file is open and the memory part
     * written.
     */
    private void spool() {
      request.pause();
      opening =
          vertx
              .fileSystem()
              .mkdirs(spoolDir.toString())
              .compose(
                  v ->
                      vertx
                          .fileSystem()
                          .createTempFile(
                              spoolDir.toString(), "callstream-webhook-", ".spool", (String) null))
              .compose(
                  path -> {
                    spoolPath = path;
                    return vertx
                        .fileSystem()
                        .open(path, new OpenOptions().setWrite(true).setTruncateExisting(true));
                  })
              .map(
                  f -> {
                    file = f;
                    Buffer held = memory;
                    memory = null;
                    write(held);
                    if (!file.writeQueueFull()) {
                      request.resume();
                    }
                    return (Void) null;
                  })
              .onFailure(this::fail);
    }

    private void write(Buffer chunk) {
      file.write(chunk).onFailure(this::fail);
      if (file.writeQueueFull()) {
        request.pause();
        file.drainHandler(v -> request.resume());
      }
    }

    private void end() {
      if (failed) {
        return;
      }
      String digest = HexFormat.of().formatHex(sha.digest());
      try {
        check.finish();
      } catch (Failure e) {
        fail(e);
        return;
      }
      if (opening == null) {
        result.tryComplete(new WebhookBody(memory, null, size, digest));
        return;
      }
      opening
          .compose(v -> file.close())
          .onSuccess(
              v -> result.tryComplete(new WebhookBody(null, Path.of(spoolPath), size, digest)))
          .onFailure(this::fail);
    }

    private void fail(Throwable e) {
      if (failed) {
        return;
      }
      failed = true;
      memory = null;
      Future<Void> opened =
          opening == null
              ? Future.succeededFuture()
              : opening.recover(x -> Future.succeededFuture());
      opened
          .compose(v -> file == null ? Future.<Void>succeededFuture() : file.close())
          .recover(x -> Future.succeededFuture())
          .compose(
              v ->
                  spoolPath == null
                      ? Future.succeededFuture()
                      : vertx.fileSystem().delete(spoolPath))
          .onComplete(v -> result.tryFail(e));
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
