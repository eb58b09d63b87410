package io.callstream.call;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.config.Config;
import io.callstream.driver.Driver;
import io.callstream.events.CallEvents;
import io.callstream.events.CallHandledEvent;
import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.callstream.web.ApiInput;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Dispatchers' calls API: start calls ({@code POST /driver_data/call-elevenlabs}), read one ({@code
 * GET /calls/{id}}) and its transcript ({@code GET /calls/{id}/transcript}, the polling fallback),
 * and take a call off the attention list ({@code POST /calls/{id}/handled}).
 */
public final class CallRoutes {
  static final int MAX_DRIVERS = 50;
  static final int MAX_VIOLATIONS = 20;
  static final int MAX_IDENTIFIER = 200;

  private final Pool pool;
  private final Config.ElevenLabs elevenLabs;
  private final AuthHandler auth;
  private final CallStarter starter;
  private final EventBus bus;
  private final CallRepository calls = new CallRepository();
  private final TranscriptRepository transcripts = new TranscriptRepository();

  public CallRoutes(
      Pool pool,
      Config.ElevenLabs elevenLabs,
      AuthHandler auth,
      CallStarter starter,
      EventBus bus) {
    this.bus = bus;
    this.pool = pool;
    this.elevenLabs = elevenLabs;
    this.auth = auth;
    this.starter = starter;
  }

  public void addRoutes(Router router) {
    router
        .post("/driver_data/call-elevenlabs")
        .handler(ApiInput.body())
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::startCalls);
    router.get("/calls/:id").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::one);
    router
        .get("/calls/:id/transcript")
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::transcript);
    router
        .post("/calls/:id/handled")
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::handled);
  }

  /**
   * Marks the call handled; idempotent (a second mark keeps the first handler and time). The first
   * mark publishes call_handled to every node's fleet watchers, after its commit.
   */
  private void handled(RoutingContext ctx) {
    TokenClaims claims = ctx.get(AuthHandler.CLAIMS);
    String subject = claims == null ? null : claims.subject();
    find(ctx)
        .compose(call -> calls.markHandled(pool, call.id(), subject))
        .onSuccess(
            update -> {
              Call c = update.call();
              if (update.changed()) {
                CallEvents.publish(
                    bus,
                    new CallHandledEvent(
                        c.id(), c.callSid(), c.conversationId(), c.handledBy(), c.handledAt()));
              }
              Responses.json(ctx.response(), c.toJson());
            })
        .onFailure(ctx::fail);
  }

  private void startCalls(RoutingContext ctx) {
    JsonObject body = ApiInput.object(ctx);
    List<String> driverIds = ApiInput.strings(body, "driver_ids", MAX_DRIVERS, 64);
    List<String> violations = ApiInput.strings(body, "violation_types", MAX_VIOLATIONS, 200);
    Set<String> seen = new HashSet<>();
    for (String id : driverIds) {
      if (!Driver.ID.matcher(id).matches()) {
        throw Failure.invalid("'driver_ids' contains an invalid driver id: " + id);
      }
      if (!seen.add(id)) {
        throw Failure.invalid("'driver_ids' names driver " + id + " twice");
      }
    }
    if (!elevenLabs.canDial()) {
      throw Failure.unavailable(
          "calls cannot be started: ELEVENLABS_API_KEY, ELEVENLABS_AGENT_ID and "
              + "ELEVENLABS_PHONE_NUMBER_ID must be configured");
    }
    TokenClaims claims = ctx.get(AuthHandler.CLAIMS);
    starter
        .start(driverIds, violations, claims == null ? null : claims.subject())
        .onSuccess(
            results ->
                Responses.json(
                    ctx.response(),
                    new JsonObject()
                        .put(
                            "results",
                            new JsonArray(results.stream().map(CallStartResult::toJson).toList()))))
        .onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    find(ctx).onSuccess(call -> Responses.json(ctx.response(), call.toJson())).onFailure(ctx::fail);
  }

  private void transcript(RoutingContext ctx) {
    int since = ApiInput.intParam(ctx, "since", 0, 0, Integer.MAX_VALUE);
    find(ctx)
        .compose(
            call ->
                transcripts
                    .after(pool, call.id(), since)
                    .map(
                        turns ->
                            new JsonObject()
                                .put("call_sid", call.callSid())
                                .put("conversation_id", call.conversationId())
                                .put("status", call.status())
                                .put("last_sequence_number", call.lastSequenceNumber())
                                .put(
                                    "transcript",
                                    new JsonArray(
                                        turns.stream().map(Transcription::toJson).toList()))))
        .onSuccess(body -> Responses.json(ctx.response(), body))
        .onFailure(ctx::fail);
  }

  private Future<Call> find(RoutingContext ctx) {
    return byPathId(calls, pool, ctx);
  }

  /**
   * The call named by the {@code :id} path parameter (call_sid or conversation_id); 400 or 404
   * otherwise.
   */
  static Future<Call> byPathId(CallRepository calls, SqlClient pool, RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || id.isBlank() || id.length() > MAX_IDENTIFIER) {
      return Future.failedFuture(
          Failure.invalid("invalid call identifier").withCode(ErrorCode.INVALID_IDENTIFIER));
    }
    return calls
        .findByIdentifier(pool, id)
        .map(
            call ->
                call.orElseThrow(
                    () -> Failure.notFound("no call " + id).withCode(ErrorCode.CALL_NOT_FOUND)));
  }
}
