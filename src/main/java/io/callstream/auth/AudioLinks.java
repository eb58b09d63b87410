package io.callstream.auth;

import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Short-lived signed links to one call's recording, so that the browser's own {@code <audio>}
 * element can stream it with Range requests without an Authorization header (docs/sessions.md). The
 * signature is a JWT signed like the access tokens ({@link Tokens}: SECRET_KEY, so every node
 * verifies it, and SECRET_KEYS_PREVIOUS during a rotation), with claims {@code sub}, {@code gen},
 * {@code use=audio}, {@code call} (the call sid) and {@code exp} (AUDIO_LINK_TTL_SECONDS). It has
 * no {@code role}, so it is never accepted as an access token; an access token has no {@code call},
 * so it is never accepted as a link. A link of a user signed out or disabled since is refused like
 * their tokens ({@link Revocations}).
 */
public final class AudioLinks {
  static final String USE = "audio";

  private final Tokens tokens;
  private final Revocations revocations;
  private final int ttlSeconds;

  public AudioLinks(Tokens tokens, Revocations revocations, int ttlSeconds) {
    this.tokens = tokens;
    this.revocations = revocations;
    this.ttlSeconds = ttlSeconds;
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** The signature of a link to this call's recording for the holder of these claims. */
  public String sign(TokenClaims who, String callSid) {
    return tokens.sign(
        new JsonObject()
            .put("sub", who.subject())
            .put("gen", who.generation())
            .put("use", USE)
            .put("call", callSid),
        ttlSeconds);
  }

  /** When a link signed now expires. */
  public Instant expiresAt() {
    return Instant.now().plusSeconds(ttlSeconds);
  }

  /**
   * Succeeds when {@code signature} is a link to {@code callSid}'s recording that has not expired
   * and whose user has not signed out or been disabled since; else fails with 401 (expired:
   * TOKEN_EXPIRED; revoked: TOKEN_REVOKED) or 403 (forged, altered, another call's, or not a link).
   */
  public Future<Void> verify(String signature, String callSid) {
    return tokens
        .verifiedClaims(signature)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof Tokens.InvalidToken t && t.expired()
                        ? Failure.unauthenticated(
                                "audio link expired: ask for a new one (POST /calls/{id}/audio/link)")
                            .withCode(ErrorCode.TOKEN_EXPIRED)
                        : Failure.forbidden("invalid audio link signature")))
        .compose(
            claims -> {
              if (!USE.equals(claims.getValue("use"))
                  || !(claims.getValue("sub") instanceof String sub)
                  || !(claims.getValue("gen") instanceof Number gen)) {
                return Future.failedFuture(Failure.forbidden("not an audio link"));
              }
              if (!callSid.equals(claims.getValue("call"))) {
                return Future.failedFuture(
                    Failure.forbidden("this audio link is for another call's recording"));
              }
              return revocations
                  .refusal(sub, gen.intValue())
                  .compose(
                      why ->
                          why == null
                              ? Future.<Void>succeededFuture()
                              : Future.failedFuture(
                                  Failure.unauthenticated(why).withCode(ErrorCode.TOKEN_REVOKED)));
            });
  }
}
