package io.callstream.webhook;

import io.callstream.config.WebhookConfig;
import io.callstream.failure.Failure;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * Who may post webhooks: a valid ElevenLabs signature, or (live transcription only) the configured
 * bearer token. WEBHOOK_ALLOW_UNSIGNED=true skips the check, with a warning on every request.
 */
public final class WebhookAuth {
  private static final Logger LOG = Logger.getLogger(WebhookAuth.class.getName());

  /** A check that accepts anything (unsigned development mode, or an accepted bearer token). */
  private static final Check NONE = new Check(null);

  private final SignatureVerifier verifier;
  private final boolean allowUnsigned;
  private final byte[] bearer;

  public WebhookAuth(WebhookConfig config, Clock clock) {
    this.verifier = config.secret() == null ? null : new SignatureVerifier(config.secrets(), clock);
    this.allowUnsigned = config.allowUnsigned();
    this.bearer =
        config.transcriptionToken() == null
            ? null
            : ("Bearer " + config.transcriptionToken()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Starts the signature check of a request (401 before the body is read when the header is bad).
   */
  public Check signature(HttpServerRequest request) {
    if (allowUnsigned) {
      LOG.warning(
          () ->
              "WEBHOOK_ALLOW_UNSIGNED=true: accepting "
                  + request.path()
                  + " without checking its signature");
      return NONE;
    }
    if (verifier == null) {
      throw Failure.unauthenticated("webhook secret not configured");
    }
    return new Check(verifier.start(request.getHeader(SignatureVerifier.HEADER)));
  }

  /**
   * For the live transcription endpoint: the bearer token when configured and sent, else the
   * signature.
   */
  public Check signatureOrBearer(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (bearer != null && authorization != null) {
      if (MessageDigest.isEqual(bearer, authorization.getBytes(StandardCharsets.UTF_8))) {
        return NONE;
      }
      throw Failure.unauthenticated("invalid bearer token");
    }
    return signature(request);
  }

  /** A signature check fed with the body as it arrives. */
  public static final class Check {
    private final SignatureVerifier.Incremental hmac;

    private Check(SignatureVerifier.Incremental hmac) {
      this.hmac = hmac;
    }

    public void update(byte[] bytes, int offset, int length) {
      if (hmac != null) {
        hmac.update(bytes, offset, length);
      }
    }

    public void finish() {
      if (hmac != null) {
        hmac.finish();
      }
    }
  }
}
