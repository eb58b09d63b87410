package io.callstream.call;

import io.callstream.support.Await;
import io.callstream.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake ElevenLabs REST API: records every request, refuses a wrong {@code xi-api-key} with 401,
 * and answers each outbound-call request as told for its {@code to_number}. Before answering a dial
 * it reads the status of the calls row named by {@code callstream_call_sid} from the database, so
 * tests can prove the row was written first.
 */
public final class FakeElevenLabs {
  public static final String API_KEY = "xi-test-key";

  /** How to answer a dial. */
  public enum Answer {
    SUCCESS,
    SUCCESS_FALSE,
    UNPROCESSABLE,
    SERVER_ERROR,
    HANG
  }

  /** One recorded dial: the request body and the calls row's status when it arrived. */
  public record Dial(JsonObject body, String apiKey, String rowStatusOnArrival) {
    public String callSid() {
      return body.getJsonObject("conversation_initiation_client_data")
          .getJsonObject("dynamic_variables")
          .getString("callstream_call_sid");
    }
  }

  private final Vertx vertx;
  private final String schema;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, Runnable> beforeAnswer = new ConcurrentHashMap<>();
  private final Map<String, String> dialledConversationIds = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> conversations = new ConcurrentHashMap<>();
  private final Map<String, Integer> conversationFailures = new ConcurrentHashMap<>();
  private final List<Dial> dials = new CopyOnWriteArrayList<>();
  private final List<String> conversationRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private HttpServer server;

  public FakeElevenLabs(Vertx vertx, String schema) {
    this.vertx = vertx;
    this.schema = schema;
  }

  public FakeElevenLabs start() {
    server =
        Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public void close() {
    if (server != null) {
      Await.result(server.close());
    }
  }

  /**
   * Runs {@code action} when a dial to {@code toNumber} has been seen, just before answering it.
   */
  public void beforeAnswer(String toNumber, Runnable action) {
    beforeAnswer.put(toNumber, action);
  }

  public void answer(String toNumber, Answer answer) {
    answers.put(toNumber, answer);
  }

  /** Dials to this number get this conversation id (instead of {@link #conversationIdFor}). */
  public void dialledConversationId(String toNumber, String conversationId) {
    dialledConversationIds.put(toNumber, conversationId);
  }

  public void conversation(String conversationId, JsonObject data) {
    conversations.put(conversationId, data);
  }

  public void failConversation(String conversationId, int status) {
    conversationFailures.put(conversationId, status);
  }

  public List<Dial> dials() {
    return dials;
  }

  public List<String> conversationRequests() {
    return conversationRequests;
  }

  /** The conversation id the fake hands out for a call_sid. */
  public static String conversationIdFor(String callSid) {
    return "conv_" + callSid.replaceAll("[^A-Za-z0-9]", "");
  }

  private void handle(HttpServerRequest request) {
    if (!API_KEY.equals(request.getHeader("xi-api-key"))) {
      request.response().setStatusCode(401).end("{\"detail\":\"invalid api key\"}");
      return;
    }
    String path = request.path();
    if (request.method().name().equals("POST") && path.equals("/v1/convai/twilio/outbound-call")) {
      request.body().onSuccess(buffer -> dial(request, buffer.toJsonObject()));
    } else if (request.method().name().equals("GET")
        && path.startsWith("/v1/convai/conversations/")) {
      conversation(request, path.substring("/v1/convai/conversations/".length()));
    } else {
      request.response().setStatusCode(404).end("{\"detail\":\"not found\"}");
    }
  }

  private void dial(HttpServerRequest request, JsonObject body) {
    Answer answer = answers.getOrDefault(body.getString("to_number"), Answer.SUCCESS);
    String sid =
        body.getJsonObject("conversation_initiation_client_data")
            .getJsonObject("dynamic_variables")
            .getString("callstream_call_sid");
    vertx
        .executeBlocking(
            () ->
                String.valueOf(
                    TestDatabase.queryValue(
                        schema,
                        "SELECT status FROM calls WHERE call_sid = '"
                            + sid.replace("'", "''")
                            + "'")))
        .onComplete(
            status -> {
              dials.add(
                  new Dial(
                      body,
                      request.getHeader("xi-api-key"),
                      status.succeeded() ? status.result() : null));
              beforeAnswer.getOrDefault(body.getString("to_number"), () -> {}).run();
              var response = request.response().putHeader("Content-Type", "application/json");
              switch (answer) {
                case SUCCESS ->
                    response.end(
                        new JsonObject()
                            .put("success", true)
                            .put("message", "Success")
                            .put(
                                "conversation_id",
                                dialledConversationIds.getOrDefault(
                                    body.getString("to_number"), conversationIdFor(sid)))
                            .put("callSid", "CA" + ids.incrementAndGet())
                            .encode());
                case SUCCESS_FALSE ->
                    response.end(
                        new JsonObject()
                            .put("success", false)
                            .put("message", "Twilio refused the number")
                            .put("conversation_id", null)
                            .put("callSid", null)
                            .encode());
                case UNPROCESSABLE ->
                    response
                        .setStatusCode(422)
                        .end(
                            "{\"detail\":[{\"loc\":[\"body\",\"to_number\"],\"msg\":\"invalid number\"}]}");
                case SERVER_ERROR ->
                    response
                        .setStatusCode(500)
                        .end("{\"detail\":\"internal error " + "x".repeat(600) + "\"}");
                case HANG -> {}
              }
            });
  }

  private void conversation(HttpServerRequest request, String id) {
    conversationRequests.add(id);
    Integer failure = conversationFailures.get(id);
    JsonObject data = conversations.get(id);
    var response = request.response().putHeader("Content-Type", "application/json");
    if (failure != null) {
      response.setStatusCode(failure).end("{\"detail\":\"upstream trouble\"}");
    } else if (data == null) {
      response.setStatusCode(404).end("{\"detail\":{\"status\":\"conversation_not_found\"}}");
    } else {
      response.end(data.encode());
    }
  }
}
