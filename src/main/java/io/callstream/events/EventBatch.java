package io.callstream.events;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Several call events in one event-bus message on {@link CallEvents#BATCH_ADDRESS}: the turns one
 * live-turn statement committed (with the call_status a first turn causes), in commit order. One
 * message instead of one per turn spares the clustered publish most of its cost per turn (a
 * message's headers, its routing and one socket write each). Immutable: every consumer on a node
 * gets this same object.
 */
public record EventBatch(List<CallEvents.Received> events) {
  public EventBatch {
    events = List.copyOf(events);
  }

  /**
   * The wire format, version 1: an int count, then per event its call id (long), kind (byte: {@link
   * CallEvents.Kind} ordinal), sequence number (int) and the frame's UTF-8 bytes (int length,
   * bytes). A receiver decodes the routing facts at once and each frame only when it is read (an
   * instance with no subscriber for the call never reads it).
   */
  static final class Codec implements MessageCodec<EventBatch, EventBatch> {
    static final String NAME = "callstream.event-batch.v1";
    private static final CallEvents.Kind[] KINDS = CallEvents.Kind.values();

    @Override
    public void encodeToWire(Buffer buffer, EventBatch batch) {
      buffer.appendInt(batch.events.size());
      for (CallEvents.Received e : batch.events) {
        byte[] frame = e.frame().getBytes(StandardCharsets.UTF_8);
        buffer
            .appendLong(e.callId())
            .appendByte((byte) e.kind().ordinal())
            .appendInt(e.sequenceNumber())
            .appendInt(frame.length)
            .appendBytes(frame);
      }
    }

    @Override
    public EventBatch decodeFromWire(int pos, Buffer buffer) {
      int count = buffer.getInt(pos);
      pos += 4;
      List<CallEvents.Received> events = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long callId = buffer.getLong(pos);
        int kind = buffer.getByte(pos + 8);
        int seq = buffer.getInt(pos + 9);
        int length = buffer.getInt(pos + 13);
        int start = pos + 17;
        pos = start + length;
        if (kind < 0 || kind >= KINDS.length) {
          throw new IllegalArgumentException("not a call event kind: " + kind);
        }
        events.add(
            new CallEvents.Received(
                callId, KINDS[kind], seq, new Utf8(buffer.getBytes(start, start + length))));
      }
      return new EventBatch(events);
    }

    @Override
    public EventBatch transform(EventBatch batch) {
      return batch; // immutable: shared by the node's consumers as it is
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /** A frame's bytes, decoded once on first read (from any thread: the result is immutable). */
  private static final class Utf8 implements Supplier<String> {
    private final byte[] bytes;
    private volatile String text;

    Utf8(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public String get() {
      String t = text;
      if (t == null) {
        t = new String(bytes, StandardCharsets.UTF_8);
        text = t;
      }
      return t;
    }
  }
}
