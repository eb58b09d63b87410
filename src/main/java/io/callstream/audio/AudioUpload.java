package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * A recording being stored. Call {@link #write} again only once the previous write's future
 * completed (that is the back-pressure: a write completes when its bytes are accepted, which may
 * mean a chunk or part was sent). Nothing is visible to readers before {@link #commit} completes;
 * then the recording is durable and replaces any earlier one under the same key. {@link #abort}
 * discards it (idempotent; after a failed write or commit it is still needed).
 */
public interface AudioUpload {
  Future<Void> write(Buffer data);

  /** Stores the recording under {@code key} (a conversation id or a call sid). */
  Future<StoredAudio> commit(String key);

  Future<Void> abort();
}
