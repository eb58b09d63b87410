package io.callstream.audio;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.util.List;

/**
 * Where recordings are kept: PostgreSQL chunk rows ({@link PgAudioStore}) or S3 ({@link
 * S3AudioStore}).
 */
public interface AudioStore {
  /** ElevenLabs' post_call_audio; the recording is keyed by conversation id. */
  String ELEVENLABS = "elevenlabs";

  /** A Twilio recording download; keyed by call sid. */
  String TWILIO = "twilio";

  /** Starts storing a recording from {@code source} ({@link #ELEVENLABS} or {@link #TWILIO}). */
  Future<AudioUpload> begin(String source, String contentType);

  /** The first of {@code keys} (in order) that has a recording, or null. */
  Future<StoredAudio> find(List<String> keys);

  /**
   * Writes {@code length} bytes from {@code offset} to {@code out} (not ended), waiting for each
   * write.
   */
  Future<Void> read(StoredAudio audio, long offset, long length, WriteStream<Buffer> out);

  /**
   * Deletes at most {@code limit} recordings created over {@code days} days ago; returns how many.
   */
  Future<Integer> expire(int days, int limit);
}
