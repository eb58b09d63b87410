package io.callstream.live;

import io.callstream.auth.Tokens;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Where an upgrade's JWT comes from, first found wins:
 *
 * <ol>
 *   <li>{@code Sec-WebSocket-Protocol: callstream.jwt, <JWT>} (a browser: {@code new WebSocket(url,
 *       ["callstream.jwt", jwt])}); the server answers with {@code callstream.jwt} only, never the
 *       token, and the token appears in no URL and so in no proxy's log;
 *   <li>{@code ?token=<JWT>} (older clients; a proxy may log it);
 *   <li>{@code Authorization: Bearer <JWT>} (non-browser clients).
 * </ol>
 */
final class HandshakeToken {
  /**
   * The subprotocol that marks the other offered subprotocol as the JWT; the one the server echoes.
   */
  static final String SUBPROTOCOL = "callstream.jwt";

  static final String PROTOCOL_HEADER = "Sec-WebSocket-Protocol";

  private HandshakeToken() {}

  /** The token of an upgrade with these headers and this URI; null when there is none. */
  static String of(MultiMap headers, String uri) {
    String token = fromSubprotocols(headers.getAll(PROTOCOL_HEADER));
    if (token == null) {
      List<String> query = new QueryStringDecoder(uri).parameters().get("token");
      token = query == null || query.isEmpty() ? null : blankToNull(query.get(0));
    }
    return token != null ? token : blankToNull(Tokens.bearer(headers.get("Authorization")));
  }

  /**
   * The first offered subprotocol other than {@link #SUBPROTOCOL}, if {@link #SUBPROTOCOL} is
   * offered.
   */
  static String fromSubprotocols(List<String> headers) {
    boolean marked = false;
    String token = null;
    for (String header : headers) {
      for (String part : header.split(",")) {
        String protocol = part.trim();
        if (protocol.equals(SUBPROTOCOL)) {
          marked = true;
        } else if (token == null && !protocol.isEmpty()) {
          token = protocol;
        }
      }
    }
    return marked ? token : null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
