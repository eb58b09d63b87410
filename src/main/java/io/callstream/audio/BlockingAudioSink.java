package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link AudioUpload} as a blocking {@link OutputStream}, for a parser decoding on a worker
 * thread (never on an event loop): it hands the store 64 KiB at a time and waits for each write, so
 * memory stays bounded whatever the recording's size. The upload begins at the first byte; {@link
 * #commit} and {@link #abort} end it.
 */
public final class BlockingAudioSink extends OutputStream {
  private static final int BLOCK = 64 * 1024;

  /**
   * A store that does not answer for this long is treated as failed (the webhook answers 500; it is
   * retried).
   */
  private static final long WAIT_SECONDS = 120;

  private final AudioStore store;
  private final String source;
  private final String contentType;
  private final byte[] block = new byte[BLOCK];
  private int filled;
  private AudioUpload upload;
  private boolean ended;

  public BlockingAudioSink(AudioStore store, String source, String contentType) {
    this.store = store;
    this.source = source;
    this.contentType = contentType;
  }

  @Override
  public void write(int b) throws IOException {
    if (filled == BLOCK) {
      send();
    }
    block[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filled == BLOCK) {
        send();
      }
      int n = Math.min(len, BLOCK - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /** True once a byte was written. */
  public boolean started() {
    return upload != null || filled > 0;
  }

  private void send() throws IOException {
    if (ended) {
      throw new IOException("the recording was already committed or aborted");
    }
    if (upload == null) {
      upload = await(store.begin(source, contentType));
    }
    if (filled > 0) {
      Buffer data = Buffer.buffer(filled).appendBytes(block, 0, filled);
      filled = 0;
      await(upload.write(data));
    }
  }

  /** Stores what was written under {@code key}; durable when this returns. */
  public StoredAudio commit(String key) throws IOException {
    send();
    ended = true;
    return await(upload.commit(key));
  }

  /** Discards what was written (nothing is stored). Never throws. */
  public void abort() {
    ended = true;
    filled = 0;
    if (upload != null) {
      try {
        await(upload.abort());
      } catch (IOException e) {
        // the transaction or multipart upload ends with its connection or expires
      }
    }
  }

  private static <T> T await(Future<T> future) throws IOException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException("storing the recording failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new IOException("the audio store did not answer within " + WAIT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while storing the recording");
    }
  }
}
