package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * An {@link AudioUpload} as a Vert.x {@link WriteStream}, so a download can be piped into it with
 * back-pressure: the queue is full while a write is in flight (a chunk or part being sent), which
 * pauses the source. Ending the stream does not commit: the pipe's owner commits (with the key) or
 * aborts.
 */
public final class UploadStream implements WriteStream<Buffer> {
  private final AudioUpload upload;
  private Future<Void> tail = Future.succeededFuture();
  private int inFlight;
  private Handler<Void> drainHandler;

  public UploadStream(AudioUpload upload) {
    this.upload = upload;
  }

  @Override
  public Future<Void> write(Buffer data) {
    inFlight++;
    tail = tail.compose(v -> upload.write(data));
    Future<Void> mine = tail;
    mine.onComplete(
        done -> {
          inFlight--;
          if (inFlight == 0 && drainHandler != null) {
            Handler<Void> h = drainHandler;
            h.handle(null);
          }
        });
    return mine;
  }

  @Override
  public Future<Void> end() {
    return tail;
  }

  @Override
  public boolean writeQueueFull() {
    return inFlight > 0;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }
}
