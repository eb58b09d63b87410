package io.callstream.config;

import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.List;

/**
 * An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code ::1}, {@code fd00::/8}), parsed from
 * literals only: a host name is refused, never looked up (configuration is read before any DNS
 * should be trusted).
 */
public record IpRange(byte[] network, int prefix) {

  /**
   * Parses {@code "a.b.c.d"}, {@code "a.b.c.d/n"} or their IPv6 forms; fails with
   * IllegalArgumentException.
   */
  public static IpRange parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    byte[] address = literal(slash < 0 ? s : s.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("'" + s + "': prefix length must be 0.." + bits);
      }
    }
    return new IpRange(address, prefix);
  }

  /** A comma-separated list; blank gives an empty list. */
  public static List<IpRange> parseList(String csv) {
    return Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(p -> !p.isEmpty())
        .map(IpRange::parse)
        .toList();
  }

  /** The bytes of an IPv4 or IPv6 literal, or null when the text is not one (no DNS lookup). */
  public static byte[] literal(String text) {
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(text);
    if (bytes != null && bytes.length == 16 && isMappedV4(bytes)) {
      return Arrays.copyOfRange(
          bytes, 12, 16); // ::ffff:a.b.c.d is the IPv4 peer of a dual-stack socket
    }
    return bytes;
  }

  public boolean contains(byte[] address) {
    if (address == null || address.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (address[full] & mask) == (network[full] & mask);
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  @Override
  public String toString() {
    return NetUtil.bytesToIpAddress(network) + "/" + prefix;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpRange r && r.prefix == prefix && Arrays.equals(r.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + prefix;
  }
}
