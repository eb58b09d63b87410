package io.callstream.support;

import io.callstream.signature.ElevenLabsSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The suite's one webhook signer: signs a body the way ElevenLabs does (shared/tools/sign-webhook),
 * with the current time, through {@link ElevenLabsSignature#sign}, whose output
 * SignatureVerifierTest checks against ElevenLabs' test vector. Only a body too large to hold is
 * signed here, streamed through the same HMAC; SignatureVerifierTest checks that it agrees with
 * {@link ElevenLabsSignature#sign}.
 */
public final class WebhookSigner {
  private WebhookSigner() {}

  public static String sign(String body, String secret) {
    return sign(body.getBytes(StandardCharsets.UTF_8), secret);
  }

  public static String sign(byte[] body, String secret) {
    return ElevenLabsSignature.sign(secret, System.currentTimeMillis() / 1000, body);
  }

  /** The header for a body read once from the stream (which is not closed), at time t. */
  public static String sign(InputStream body, String secret, long t) throws IOException {
    Mac mac;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
    byte[] buffer = new byte[65_536];
    for (int n; (n = body.read(buffer, 0, buffer.length)) > 0; ) {
      mac.update(buffer, 0, n);
    }
    return "t=" + t + ",v0=" + HexFormat.of().formatHex(mac.doFinal());
  }
}
