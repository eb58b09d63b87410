package io.callstream.audio;

import io.callstream.config.AudioConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** The store AUDIO_STORE names. */
public final class AudioStores {
  private AudioStores() {}

  public static AudioStore create(Vertx vertx, Pool pool, AudioConfig config) {
    if (config.usesS3()) {
      throw new IllegalStateException("AUDIO_STORE=s3 is not available yet");
    }
    return new PgAudioStore(pool);
  }
}
