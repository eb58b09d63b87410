package io.callstream.call;

import io.callstream.Services;
import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.http.ApiInput;
import io.callstream.http.HttpError;
import io.callstream.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** {@code GET} or {@code POST /conversations/{conversation_id}/fetch} (dispatcher): backfill one conversation. */
public final class BackfillRoutes {
  static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private final Services services;
  private final AuthHandler auth;
  private final Backfill backfill;

  public BackfillRoutes(Services services, AuthHandler auth, Backfill backfill) {
    this.services = services;
    this.auth = auth;
    this.backfill = backfill;
  }

  public void addRoutes(Router router) {
    router.get("/conversations/:conversation_id/fetch").handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::fetch);
    router.post("/conversations/:conversation_id/fetch").handler(ApiInput.body()).handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::fetch);
  }

  private void fetch(RoutingContext ctx) {
    String conversationId = ApiInput.pathParam(ctx, "conversation_id", CONVERSATION_ID);
    if (services.config().elevenLabs().apiKey() == null) {
      throw HttpError.unavailable("backfill is not available: ELEVENLABS_API_KEY is not configured");
    }
    backfill.fetch(conversationId)
        .onSuccess(result -> Responses.json(ctx.response(), new JsonObject()
            .put("status", "success")
            .put("outcome", result.outcome().name().toLowerCase())
            .put("call", result.call() == null ? null : result.call().toJson())))
        .onFailure(ctx::fail);
  }
}
