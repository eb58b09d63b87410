package io.callstream.config;

import java.net.URI;
import java.util.Locale;

/**
 * Where recordings are stored (docs/recordings.md). {@code store}: AUDIO_STORE, {@code postgres}
 * (default: every node reads it, backed up with the calls) or {@code s3} (an S3-compatible object
 * store, {@link S3}). {@code retentionDays}: AUDIO_RETENTION_DAYS, recordings older than that are
 * deleted (0 = kept forever), checked every {@code retentionIntervalSeconds}. {@code
 * recordingRetryMinutes}: a Twilio download not stored after that long (its node died, or every
 * attempt failed) is taken over by any node. {@code legacyAudioDir}: AUDIO_DIR, no longer used;
 * only kept to warn about it.
 */
public record AudioConfig(
    String store,
    int retentionDays,
    int retentionIntervalSeconds,
    int recordingRetryMinutes,
    S3 s3,
    String legacyAudioDir) {
  public static final String POSTGRES = "postgres";
  public static final String S3_STORE = "s3";

  /**
   * AUDIO_S3_*: the endpoint (null = AWS's own for the region), bucket, region, keys, path-style
   * access, prefix.
   */
  public record S3(
      URI endpoint,
      String bucket,
      String region,
      String accessKey,
      String secretKey,
      boolean pathStyle,
      String prefix) {
    @Override
    public String toString() {
      return "S3["
          + endpoint
          + ", bucket="
          + bucket
          + ", region="
          + region
          + ", accessKey="
          + (accessKey == null ? "unset" : "***")
          + ", pathStyle="
          + pathStyle
          + ", prefix="
          + prefix
          + "]";
    }
  }

  public boolean usesS3() {
    return S3_STORE.equals(store);
  }

  static AudioConfig from(Settings s) {
    String store = s.string("AUDIO_STORE", POSTGRES).toLowerCase(Locale.ROOT);
    if (!store.equals(POSTGRES) && !store.equals(S3_STORE)) {
      throw new ConfigException("AUDIO_STORE must be postgres or s3, got '" + store + "'");
    }
    S3 s3 = null;
    if (store.equals(S3_STORE)) {
      String endpoint = s.optional("AUDIO_S3_ENDPOINT");
      String accessKey = s.optional("AUDIO_S3_ACCESS_KEY");
      String secretKey = s.optional("AUDIO_S3_SECRET_KEY");
      if ((accessKey == null) != (secretKey == null)) {
        throw new ConfigException(
            "AUDIO_S3_ACCESS_KEY and AUDIO_S3_SECRET_KEY are set together or not at all");
      }
      s3 =
          new S3(
              endpoint == null ? null : s.url("AUDIO_S3_ENDPOINT", null),
              s.required("AUDIO_S3_BUCKET"),
              s.string("AUDIO_S3_REGION", "us-east-1"),
              accessKey,
              secretKey,
              s.bool("AUDIO_S3_PATH_STYLE", false),
              s.string("AUDIO_S3_PREFIX", "recordings/"));
    }
    return new AudioConfig(
        store,
        s.integer("AUDIO_RETENTION_DAYS", 0, 0, 36_500),
        s.integer("AUDIO_RETENTION_INTERVAL_SECONDS", 3600, 1, 86_400),
        s.integer("RECORDING_RETRY_MINUTES", 10, 1, 10_080),
        s3,
        s.optional("AUDIO_DIR"));
  }
}
