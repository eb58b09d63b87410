package io.callstream.support;

import io.callstream.webhook.SignatureVerifier;
import java.nio.charset.StandardCharsets;

/**
 * Signs a webhook body the way ElevenLabs does (shared/tools/sign-webhook), with the current time, through
 * {@link SignatureVerifier#sign}, whose output SignatureVerifierTest checks against ElevenLabs' test vector.
 */
public final class WebhookSigner {
  private WebhookSigner() {}

  public static String sign(String body, String secret) {
    return sign(body.getBytes(StandardCharsets.UTF_8), secret);
  }

  public static String sign(byte[] body, String secret) {
    return SignatureVerifier.sign(secret, System.currentTimeMillis() / 1000, body);
  }
}
