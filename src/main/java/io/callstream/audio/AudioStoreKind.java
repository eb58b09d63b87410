package io.callstream.audio;

/** The values of {@code call_audio.store}. */
final class AudioStoreKind {
  static final String POSTGRES = "postgres";
  static final String S3 = "s3";

  private AudioStoreKind() {}
}
