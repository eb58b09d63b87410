package io.callstream.call;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.config.Config;
import io.callstream.failure.Failure;
import io.callstream.web.ApiInput;
import io.callstream.web.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code GET} or {@code POST /conversations/{conversation_id}/fetch} (dispatcher): backfill one
 * conversation.
 */
public final class BackfillRoutes {
  static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final Config.ElevenLabs elevenLabs;
  private final AuthHandler auth;
  private final Backfill backfill;

  public BackfillRoutes(Config.ElevenLabs elevenLabs, AuthHandler auth, Backfill backfill) {
    this.elevenLabs = elevenLabs;
    this.auth = auth;
    this.backfill = backfill;
  }

  public void addRoutes(Router router) {
    router
        .get("/conversations/:conversation_id/fetch")
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::fetch);
    router
        .post("/conversations/:conversation_id/fetch")
        .handler(ApiInput.body())
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::fetch);
  }

  private void fetch(RoutingContext ctx) {
    String conversationId = ApiInput.pathParam(ctx, "conversation_id", CONVERSATION_ID);
    if (elevenLabs.apiKey() == null) {
      throw Failure.unavailable("backfill is not available: ELEVENLABS_API_KEY is not configured");
    }
    backfill
        .fetch(conversationId)
        .onSuccess(
            result ->
                Responses.json(
                    ctx.response(),
                    new JsonObject()
                        .put("status", "success")
                        .put("outcome", result.outcome().name().toLowerCase())
                        .put("call", result.call() == null ? null : result.call().toJson())))
        .onFailure(ctx::fail);
  }
}
