package io.callstream.twilio;

import io.vertx.core.MultiMap;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature ({@code X-Twilio-Signature}): base64 of HMAC-SHA1, keyed with the auth
 * token, over the full URL Twilio requested followed by every POST parameter, sorted by name, as
 * name + value (a repeated name contributes each of its values, sorted). Compared in constant time.
 */
public final class TwilioSignature {
  public static final String HEADER = "X-Twilio-Signature";

  private TwilioSignature() {}

  /** The signature Twilio sends for this URL and these (decoded) POST parameters. */
  public static String sign(String authToken, String url, MultiMap params) {
    Map<String, List<String>> sorted = new TreeMap<>();
    params.forEach(
        e -> sorted.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    StringBuilder data = new StringBuilder(url);
    sorted.forEach(
        (name, values) -> values.stream().sorted().forEach(v -> data.append(name).append(v)));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 unavailable", e);
    }
  }

  /**
   * True when {@code signature} is Twilio's signature of this request (false when it is missing).
   */
  public static boolean verify(String authToken, String url, MultiMap params, String signature) {
    if (signature == null || signature.isEmpty()) {
      return false;
    }
    byte[] expected = sign(authToken, url, params).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The URL Twilio signed: PUBLIC_BASE_URL (its path is a prefix) plus the request's path and query
   * as received, when set (a proxy rewrote scheme and host); else the request's own absolute URL.
   */
  public static String publicUrl(URI publicBaseUrl, String requestUri, String absoluteUri) {
    if (publicBaseUrl == null) {
      return absoluteUri;
    }
    String base = publicBaseUrl.toString();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + requestUri;
  }
}
