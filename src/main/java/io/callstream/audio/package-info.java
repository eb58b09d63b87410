/**
 * Recordings, stored where every node reads them (docs/recordings.md): the {@code call_audio} table
 * (one repository, {@link io.callstream.audio.AudioRepository}) indexes every stored recording by
 * the identifier it arrived under (a conversation id or a call sid); the bytes are chunk rows in
 * PostgreSQL ({@link io.callstream.audio.PgAudioStore}, the default) or an object in an
 * S3-compatible store ({@link io.callstream.audio.S3AudioStore}). Writers stream into an {@link
 * io.callstream.audio.AudioUpload} with bounded memory; nothing is visible before its commit. Uses
 * {@code config} and {@code failure}; imported by {@code webhook}, {@code twilio}, {@code call} and
 * {@code app}.
 */
package io.callstream.audio;
