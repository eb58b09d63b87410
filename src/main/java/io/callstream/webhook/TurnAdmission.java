package io.callstream.webhook;

import io.callstream.failure.Failure;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

/**
 * Runs before the live-turn body is buffered: the signature header (or bearer token) must be well-formed, else
 * 401 without reading the body; and a body over {@link LargeBodies#THRESHOLD} (or of unknown length) needs one of
 * the node's large-body permits, else 503 with Retry-After. A security-policy handler, so that Vert.x Web lets
 * it run ahead of the BodyHandler. The started signature check is left in the context under {@link #CHECK}.
 */
final class TurnAdmission implements SecurityPolicyHandler {
  static final String CHECK = "callstream.webhook.check";

  private final WebhookAuth auth;
  private final LargeBodies largeBodies;

  TurnAdmission(WebhookAuth auth, LargeBodies largeBodies) {
    this.auth = auth;
    this.largeBodies = largeBodies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    try {
      ctx.put(CHECK, auth.signatureOrBearer(ctx.request()));
    } catch (Failure e) {
      refuse(ctx, e);
      return;
    }
    long declared = WebhookBody.declaredLength(ctx.request());
    boolean hasBody = declared > 0 || declared < 0 && ctx.request().getHeader("Transfer-Encoding") != null;
    if (hasBody && (declared < 0 || declared > LargeBodies.THRESHOLD)) {
      LargeBodies.Permit permit = largeBodies.permit();
      if (!permit.acquire()) {
        ctx.response().putHeader("Retry-After", LargeBodies.RETRY_AFTER_SECONDS);
        refuse(ctx, WebhookBody.tooManyLarge());
        return;
      }
      ctx.addEndHandler(v -> permit.release());
    }
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, Failure e) {
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader("Connection", "close"); // the unread body is not wanted
    }
    ctx.fail(e);
  }
}
