package io.callstream.soak;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A dashboard that stops reading: a raw WebSocket with a 4 KiB receive buffer that asks for the
 * replay of ended calls' transcripts and the fleet snapshot over and over and reads nothing, until
 * the server must give up on it. Then it reads what is left and reports the close code the server
 * sent (contract §4: 1013), or -1 (none).
 */
final class SlowReader {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SlowReader() {}

  /**
   * Asks for at most {@code askForMs} (less when the server drops it first); then reads for at most
   * {@code readForMs}: "close CODE" when a close frame came, "dropped (N bytes read, no close
   * frame)" when the connection ended without one, "still open (N bytes read)" when neither
   * happened.
   */
  static String run(
      int port,
      String token,
      java.util.function.Supplier<String> endedCall,
      long askForMs,
      long readForMs)
      throws IOException {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      OutputStream out = s.getOutputStream();
      String key = Base64.getEncoder().encodeToString(RANDOM.generateSeed(16));
      out.write(
          ("GET /ws/calls/transcriptions?token="
                  + token
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + port
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                  + key
                  + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.setSoTimeout(10_000);
      DataInputStream in = new DataInputStream(s.getInputStream());
      String status = headers(in);
      if (!status.contains(" 101 ")) {
        throw new IOException("upgrade refused: " + status);
      }
      long deadline = System.currentTimeMillis() + askForMs;
      try {
        for (int i = 0; System.currentTimeMillis() < deadline; i++) {
          // mostly the whole transcript of an ended call again (a few KiB each), now and then the
          // fleet snapshot
          String sid = endedCall.get();
          frame(
              out,
              sid == null || i % 3 == 0
                  ? "{\"watch\":\"calls\"}"
                  : "{\"subscribe\":\"" + sid + "\",\"since\":0}");
          Traffic.sleepQuietly(100); // the server's inbound budget is 10 messages a second
        }
      } catch (IOException closedByServer) {
        // the server closed: read what it sent before
      }
      s.setSoTimeout(2_000);
      long readDeadline = System.currentTimeMillis() + readForMs;
      long[] read = {0};
      try {
        while (System.currentTimeMillis() < readDeadline) {
          int code = nextClose(in, read);
          if (code >= 0) {
            return "close " + code + " (" + read[0] + " bytes read)";
          }
        }
      } catch (EOFException | java.net.SocketException end) {
        return "dropped (" + read[0] + " bytes read, no close frame)";
      } catch (SocketTimeoutException idle) {
        return "still open (" + read[0] + " bytes read)";
      }
      return "still open (" + read[0] + " bytes read)";
    }
  }

  private static String headers(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("no upgrade answer");
      }
      sb.append((char) c);
    }
    return sb.substring(0, sb.indexOf("\r\n"));
  }

  /** Reads one frame: its close code when it is a close frame, else -1. */
  private static int nextClose(DataInputStream in, long[] read) throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    long len = b1 & 0x7f;
    if (len == 126) {
      len = in.readUnsignedShort();
    } else if (len == 127) {
      len = in.readLong();
    }
    byte[] payload = new byte[(int) len];
    in.readFully(payload);
    read[0] += 2 + len;
    if ((b0 & 0x0f) == 0x8) {
      return len >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
    return -1;
  }

  private static void frame(OutputStream out, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    byte[] f = new byte[2 + 4 + data.length];
    f[0] = (byte) 0x81;
    f[1] = (byte) (0x80 | data.length);
    System.arraycopy(mask, 0, f, 2, 4);
    for (int i = 0; i < data.length; i++) {
      f[6 + i] = (byte) (data[i] ^ mask[i % 4]);
    }
    out.write(f);
    out.flush();
  }
}
