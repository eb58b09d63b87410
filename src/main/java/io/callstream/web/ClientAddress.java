package io.callstream.web;

import io.callstream.config.IpRange;
import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request comes from, behind reverse proxies: the socket's peer, unless that peer is one of
 * TRUSTED_PROXIES; then X-Forwarded-For is read from the right (each proxy appends the address it
 * saw) and the first address that is not a trusted proxy is the client. Anything left of it was
 * written by the client itself and is ignored, so a client cannot choose its own address. Used by
 * the login throttle and access logs.
 */
public final class ClientAddress {
  /** What an unknown peer is keyed as. */
  public static final String UNKNOWN = "unknown";

  private static final int MAX_HOPS = 32;

  private final List<IpRange> trusted;

  public ClientAddress(List<IpRange> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /**
   * The client's address in canonical text form (or the peer's text when it is not an IP literal).
   */
  public String of(HttpServerRequest request) {
    return of(request.remoteAddress(), request.headers());
  }

  /** The same for a WebSocket handshake (or anything with a peer and headers). */
  public String of(SocketAddress peer, MultiMap headers) {
    String address = peer == null || peer.hostAddress() == null ? UNKNOWN : peer.hostAddress();
    byte[] bytes = IpRange.literal(address);
    if (bytes == null || !trusted(bytes)) {
      return bytes == null ? address : NetUtil.bytesToIpAddress(bytes);
    }
    String nearest = NetUtil.bytesToIpAddress(bytes);
    List<String> hops = hops(headers.getAll("X-Forwarded-For"));
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = IpRange.literal(hops.get(i));
      if (hop == null) {
        return nearest; // garbage next to a trusted proxy: the proxy is the best we know
      }
      nearest = NetUtil.bytesToIpAddress(hop);
      if (!trusted(hop)) {
        return nearest;
      }
    }
    return nearest; // every hop is a trusted proxy: the leftmost is the origin
  }

  private boolean trusted(byte[] address) {
    for (IpRange r : trusted) {
      if (r.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> hops(List<String> headers) {
    List<String> hops = new ArrayList<>();
    for (String header : headers) {
      for (String part : header.split(",")) {
        String hop = part.trim();
        if (!hop.isEmpty()) {
          hops.add(hop);
        }
      }
    }
    // only the right end can come from trusted proxies; a huge header is the client's own doing
    return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
  }
}
