package io.callstream.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs a webhook body the way ElevenLabs does (shared/tools/sign-webhook): t=<secs>,v0=<hex hmac>. */
public final class WebhookSigner {
  private WebhookSigner() {}

  public static String sign(byte[] body, String secret, long unixSeconds) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "t=" + unixSeconds + ",v0=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sign(String body, String secret) {
    return sign(body.getBytes(StandardCharsets.UTF_8), secret, System.currentTimeMillis() / 1000);
  }
}
