package io.callstream.audio;

/**
 * One committed recording (a row of {@code call_audio}): {@code key} is the conversation id or call
 * sid it was stored under, {@code store} {@code postgres} (chunks of {@code chunkSize} bytes) or
 * {@code s3} ({@code objectKey}).
 */
public record StoredAudio(
    long id,
    String key,
    String source,
    String contentType,
    long size,
    int chunkSize,
    String sha256,
    String store,
    String objectKey) {}
