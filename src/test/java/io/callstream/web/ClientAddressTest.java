package io.callstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.config.IpRange;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The client is the rightmost address of X-Forwarded-For that is not a trusted proxy, believed only
 * from one.
 */
class ClientAddressTest {
  private final ClientAddress clients =
      new ClientAddress(IpRange.parseList("127.0.0.1, 10.9.0.0/16"));

  private String of(String peer, String... forwardedFor) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String h : forwardedFor) {
      headers.add("X-Forwarded-For", h);
    }
    return clients.of(SocketAddress.inetSocketAddress(40_000, peer), headers);
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItClaims() {
    assertEquals("203.0.113.9", of("203.0.113.9"));
    assertEquals("203.0.113.9", of("203.0.113.9", "198.51.100.1"));
  }

  @Test
  void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
    // nginx appended 127.0.0.2 (what it saw); the rest was written by the client and is ignored
    assertEquals("127.0.0.2", of("127.0.0.1", "198.51.100.1, 127.0.0.2"));
    assertEquals("127.0.0.2", of("127.0.0.1", "192.0.2.1, 192.0.2.2, 127.0.0.2"));
    // trusted hops at the right end are skipped, then the first untrusted one wins
    assertEquals("203.0.113.7", of("127.0.0.1", "198.51.100.99, 203.0.113.7, 10.9.3.4"));
    assertEquals(
        "203.0.113.7", of("127.0.0.1", "198.51.100.99", "203.0.113.7, 10.9.3.4, 127.0.0.1"));
  }

  @Test
  void edgeCasesFallBackToTheNearestKnownAddress() {
    assertEquals("127.0.0.1", of("127.0.0.1")); // no header: the proxy itself
    assertEquals(
        "10.9.3.4",
        of("127.0.0.1", "not-an-ip, 10.9.3.4")); // garbage next to trusted: nearest proxy
    assertEquals("10.9.0.1", of("127.0.0.1", "10.9.0.1, 10.9.0.2")); // all trusted: the leftmost
    assertEquals("2001:db8::1", of("127.0.0.1", "2001:db8:0:0:0:0:0:1"));
  }
}
