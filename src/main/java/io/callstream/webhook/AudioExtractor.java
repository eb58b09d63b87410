package io.callstream.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.callstream.audio.AudioStore;
import io.callstream.audio.BlockingAudioSink;
import io.callstream.audio.StoredAudio;
import io.callstream.failure.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Pattern;

/**
 * Reads a {@code post_call_audio} body with Jackson's streaming parser (blocking: call it from
 * executeBlocking): {@code data.full_audio} is base64-decoded straight into the audio store
 * (PostgreSQL chunks or S3, 64 KiB at a time) and committed under the conversation id at the end,
 * so memory stays bounded whatever the body size and a reader never sees half a recording. Without
 * a store the audio is skipped unread. Unknown fields are skipped.
 */
public final class AudioExtractor {
  public static final String AUDIO_TYPE = "post_call_audio";
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  /** What the body said; {@code audio} is the committed recording (null when not stored). */
  public record Result(
      String type,
      Long eventTimestamp,
      String agentId,
      String conversationId,
      StoredAudio audio,
      long audioBytes) {}

  private AudioExtractor() {}

  /**
   * Parses the body. When its type is not post_call_audio nothing is written and only {@code type}
   * is reliable. Fails with 400 on malformed JSON, a missing or unsafe conversation_id.
   */
  public static Result extract(InputStream in, AudioStore store) throws IOException {
    BlockingAudioSink sink = null;
    try (JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw Failure.invalid("body is not a JSON object");
      }
      String type = null;
      Long eventTimestamp = null;
      String agentId = null;
      String conversationId = null;
      long audioBytes = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "event_timestamp" ->
              eventTimestamp =
                  PostCallBody.unixSeconds(
                      value.isNumeric()
                          ? p.getNumberValue()
                          : value == JsonToken.VALUE_STRING ? p.getText() : null);
          case "data" -> {
            if (value != JsonToken.START_OBJECT) {
              throw Failure.invalid("data must be an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              JsonToken v = p.nextToken();
              if (name.equals("conversation_id") && v == JsonToken.VALUE_STRING) {
                conversationId = p.getText();
              } else if (name.equals("agent_id") && v == JsonToken.VALUE_STRING) {
                agentId = p.getText();
              } else if (name.equals("full_audio")
                  && v == JsonToken.VALUE_STRING
                  && store != null
                  && sink == null) {
                sink = new BlockingAudioSink(store, AudioStore.ELEVENLABS, "audio/mpeg");
                audioBytes = p.readBinaryValue(sink);
              } else {
                p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (!AUDIO_TYPE.equals(type)) {
        return new Result(type, eventTimestamp, agentId, conversationId, null, 0);
      }
      if (conversationId == null || !SAFE_ID.matcher(conversationId).matches()) {
        throw Failure.invalid("data.conversation_id is missing or not a safe identifier");
      }
      StoredAudio stored = null;
      if (sink != null) {
        stored = sink.commit(conversationId);
        sink = null;
      }
      return new Result(type, eventTimestamp, agentId, conversationId, stored, audioBytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw Failure.invalid("malformed JSON body");
    } catch (IllegalArgumentException e) {
      // Jackson's base64 decoder reports a character outside the alphabet this way
      throw Failure.invalid("data.full_audio is not valid base64");
    } finally {
      if (sink != null) {
        sink.abort();
      }
    }
  }
}
