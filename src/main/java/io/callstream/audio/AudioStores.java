package io.callstream.audio;

import io.callstream.config.AudioConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** The store AUDIO_STORE names. */
public final class AudioStores {
  private AudioStores() {}

  public static AudioStore create(Vertx vertx, Pool pool, AudioConfig config) {
    return config.usesS3() ? new S3AudioStore(vertx, pool, config.s3()) : new PgAudioStore(pool);
  }
}
