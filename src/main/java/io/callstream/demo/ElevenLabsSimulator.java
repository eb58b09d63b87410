package io.callstream.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

/**
 * ElevenLabs' REST API as callstream uses it, in-process on 127.0.0.1 (an ephemeral port): outbound
 * calls, reading a conversation, registering an inbound Twilio call. Each dialled call is then
 * played by a {@link ConversationPlayer}. Keys are only checked for presence. Conversations are
 * kept in memory (the newest {@link #MAX_CONVERSATIONS}).
 */
public final class ElevenLabsSimulator {
  static final String OUTBOUND_CALL = "/v1/convai/twilio/outbound-call";
  static final String CONVERSATION = "/v1/convai/conversations/:conversation_id";
  static final String REGISTER_CALL = "/v1/convai/twilio/register-call";
  static final int MAX_CONVERSATIONS = 10_000;
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final SecureRandom IDS = new SecureRandom();

  private final Vertx vertx;
  private final ConversationPlayer player;
  private final Map<String, SimulatedCall> conversations = new ConcurrentHashMap<>();
  private final Queue<String> order = new ConcurrentLinkedQueue<>();
  private HttpServer server;
  private URI baseUrl;

  ElevenLabsSimulator(Vertx vertx, ConversationPlayer player) {
    this.vertx = vertx;
    this.player = player;
  }

  /**
   * Listens on 127.0.0.1 (ephemeral port); the future carries the base URL to give callstream's
   * client.
   */
  public Future<URI> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    router.route().handler(this::requireKey);
    router.post(OUTBOUND_CALL).handler(this::outboundCall);
    router.get(CONVERSATION).handler(this::conversation);
    router.post(REGISTER_CALL).handler(this::registerCall);
    router
        .route()
        .last()
        .handler(ctx -> answer(ctx, 404, detail("not_found", "no such endpoint in the simulator")));
    return vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(router)
        .listen()
        .map(
            s -> {
              server = s;
              baseUrl = URI.create("http://127.0.0.1:" + s.actualPort());
              return baseUrl;
            });
  }

  public URI baseUrl() {
    return baseUrl;
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public Optional<SimulatedCall> conversation(String conversationId) {
    return Optional.ofNullable(conversations.get(conversationId));
  }

  private void requireKey(RoutingContext ctx) {
    String key = ctx.request().getHeader("xi-api-key");
    if (key == null || key.isBlank()) {
      answer(ctx, 401, detail("invalid_api_key", "the xi-api-key header is missing"));
    } else {
      ctx.next();
    }
  }

  private void outboundCall(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    JsonArray problems = new JsonArray();
    String agentId = requiredText(body, "agent_id", problems);
    String phoneNumberId = requiredText(body, "agent_phone_number_id", problems);
    String toNumber = requiredText(body, "to_number", problems);
    if (toNumber != null && !E164.matcher(toNumber).matches()) {
      problems.add(problem("value_error", "to_number", "to_number must be an E.164 number"));
    }
    JsonObject init =
        body.getValue("conversation_initiation_client_data") instanceof JsonObject o
            ? o
            : new JsonObject();
    JsonObject variables =
        init.getValue("dynamic_variables") instanceof JsonObject v ? v : new JsonObject();
    if (!problems.isEmpty()) {
      answer(ctx, 422, new JsonObject().put("detail", problems));
      return;
    }
    SimulatedCall call =
        new SimulatedCall(
            new SimulatedCall.Dial(
                id("conv_", 26),
                "CA" + hex(32),
                agentId,
                phoneNumberId,
                toNumber,
                variables.copy().getMap()),
            Instant.now());
    remember(call);
    answer(
        ctx,
        200,
        new JsonObject()
            .put("success", true)
            .put("message", "Success")
            .put("conversation_id", call.dial().conversationId())
            .put("callSid", call.dial().callSid()));
    player.play(call);
  }

  private void conversation(RoutingContext ctx) {
    SimulatedCall call = conversations.get(ctx.pathParam("conversation_id"));
    if (call == null) {
      answer(ctx, 404, detail("conversation_not_found", "Conversation not found"));
    } else {
      answer(ctx, 200, call.data());
    }
  }

  /** Inbound calls: ElevenLabs answers TwiML that connects Twilio's media stream to the agent. */
  private void registerCall(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    JsonArray problems = new JsonArray();
    requiredText(body, "agent_id", problems);
    requiredText(body, "from_number", problems);
    requiredText(body, "to_number", problems);
    if (!problems.isEmpty()) {
      answer(ctx, 422, new JsonObject().put("detail", problems));
      return;
    }
    String stream =
        baseUrl.toString().replaceFirst("^http", "ws") + "/v1/convai/conversation/twilio";
    ctx.response()
        .putHeader("Content-Type", "application/xml")
        .end(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<Response><Connect><Stream url=\""
                + stream
                + "\">"
                + "<Parameter name=\"conversation_id\" value=\""
                + id("conv_", 26)
                + "\"/>"
                + "</Stream></Connect></Response>");
  }

  private void remember(SimulatedCall call) {
    conversations.put(call.dial().conversationId(), call);
    order.add(call.dial().conversationId());
    while (conversations.size() > MAX_CONVERSATIONS) {
      String oldest = order.poll();
      if (oldest == null) {
        break;
      }
      conversations.remove(oldest);
    }
  }

  /**
   * The body as a JSON object, or null after answering 422 (FastAPI's answer to an unreadable
   * body).
   */
  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    answer(
        ctx,
        422,
        new JsonObject()
            .put(
                "detail",
                new JsonArray()
                    .add(problem("json_invalid", "body", "the body must be a JSON object"))));
    return null;
  }

  private static String requiredText(JsonObject body, String field, JsonArray problems) {
    if (body.getValue(field) instanceof String s && !s.isBlank()) {
      return s;
    }
    problems.add(problem("missing", field, "Field required"));
    return null;
  }

  private static JsonObject problem(String type, String field, String message) {
    return new JsonObject()
        .put("type", type)
        .put("loc", new JsonArray().add("body").add(field))
        .put("msg", message);
  }

  private static JsonObject detail(String status, String message) {
    return new JsonObject()
        .put("detail", new JsonObject().put("status", status).put("message", message));
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static String id(String prefix, int length) {
    String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(IDS.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String hex(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(Character.forDigit(IDS.nextInt(16), 16));
    }
    return sb.toString();
  }
}
