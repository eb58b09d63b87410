package io.callstream.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Header {@code ElevenLabs-Signature: t=<unix seconds>,v0=<hex>}, where v0 is HMAC-SHA256(secret,
 * "t." + raw body). Pure: no I/O.
 */
public final class ElevenLabsSignature {
  public static final String HEADER = "ElevenLabs-Signature";

  private ElevenLabsSignature() {}

  /** The header value ElevenLabs would send for this body at time t. */
  public static String sign(String secret, long t, byte[] body) {
    Mac mac = hmac(secret.getBytes(StandardCharsets.UTF_8));
    mac.update(prefix(Long.toString(t)));
    return "t=" + t + ",v0=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** What the HMAC covers before the body: the header's t as sent, then a dot. */
  public static byte[] prefix(String t) {
    return (t + ".").getBytes(StandardCharsets.US_ASCII);
  }

  /** An HMAC-SHA256 keyed with the secret's bytes. */
  public static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
