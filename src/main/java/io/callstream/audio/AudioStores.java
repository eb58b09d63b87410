package io.callstream.audio;

import io.callstream.config.AudioConfig;
import io.callstream.config.Config;
import io.callstream.db.Database;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

/** The store AUDIO_STORE names. */
public final class AudioStores {
  private AudioStores() {}

  public static AudioStore create(
      Vertx vertx, Pool pool, AudioConfig config, Config.Database database) {
    if (config.usesS3()) {
      return new S3AudioStore(vertx, pool, config.s3());
    }
    PgConnectOptions options = Database.connectOptions(database, "callstream-audio");
    return new PgAudioStore(
        pool, () -> PgConnection.connect(vertx, options).map(c -> (SqlConnection) c));
  }
}
