package io.callstream.twilio;

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

/**
 * A fake ElevenLabs register-call endpoint: records each request with the calls row's status and
 * direction when it arrived (so tests prove the row was written first) and answers as told for the
 * request's {@code from_number}.
 */
final class FakeRegisterCall {
  static final String API_KEY = "xi-inbound-key";
  static final String TWIML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n  <Connect>\n"
          + "    <Stream url=\"wss://api.elevenlabs.io/v1/convai/conversation/twilio?agent_id=agent_in\">\n"
          + "      <Parameter name=\"conversation_id\" value=\"conv_in\"/>\n    </Stream>\n  </Connect>\n</Response>";

  /** HOLD: the stream TwiML once the test calls {@link #release()}; HANG: never. */
  enum Answer {
    STREAM,
    STREAM_AS_JSON_STRING,
    RECORD_FIRST,
    SAY_FIRST,
    SERVER_ERROR,
    HANG,
    HOLD
  }

  /** One recorded request: its body and the calls row (status/direction) on arrival. */
  record Registration(JsonObject body, String apiKey, String rowOnArrival) {
    JsonObject variables() {
      return body.getJsonObject("conversation_initiation_client_data")
          .getJsonObject("dynamic_variables");
    }
  }

  private final Vertx vertx;
  private final String schema;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  final List<Registration> registrations = new CopyOnWriteArrayList<>();
  private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
  private HttpServer server;

  FakeRegisterCall(Vertx vertx, String schema) {
    this.vertx = vertx;
    this.schema = schema;
  }

  FakeRegisterCall start() {
    server =
        Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void close() {
    Await.result(server.close());
  }

  /** Answers every HOLD request so far with the stream TwiML (on the fake's own event loop). */
  void release() {
    vertx.runOnContext(
        v ->
            held.forEach(
                r -> r.response().putHeader("Content-Type", "application/xml").end(TWIML)));
  }

  void answer(String fromNumber, Answer answer) {
    answers.put(fromNumber, answer);
  }

  Registration of(String callSid) {
    List<Registration> found =
        registrations.stream()
            .filter(r -> callSid.equals(r.variables().getString("callstream_call_sid")))
            .toList();
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " register-call requests for " + callSid);
    }
    return found.get(0);
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().equals("/v1/convai/twilio/register-call")
        || request.method().name().equals("GET")) {
      request.response().setStatusCode(404).end();
      return;
    }
    request
        .body()
        .onSuccess(
            buffer -> {
              JsonObject body = buffer.toJsonObject();
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
                                  "SELECT status || '/' || direction FROM calls WHERE call_sid = '"
                                      + sid.replace("'", "''")
                                      + "'")))
                  .onComplete(
                      row -> {
                        registrations.add(
                            new Registration(body, request.getHeader("xi-api-key"), row.result()));
                        Answer answer =
                            answers.getOrDefault(body.getString("from_number"), Answer.STREAM);
                        if (answer == Answer.HOLD) {
                          held.add(request);
                        }
                        reply(request, answer);
                      });
            });
  }

  private static void reply(HttpServerRequest request, Answer answer) {
    var response = request.response().putHeader("Content-Type", "application/xml");
    switch (answer) {
      case STREAM -> response.end(TWIML);
      case STREAM_AS_JSON_STRING ->
          response
              .putHeader("Content-Type", "application/json")
              .end(io.vertx.core.json.Json.encode(TWIML));
      case RECORD_FIRST ->
          response.end(TWIML.replace("<Connect>", "<Record maxLength=\"3600\"/>\n  <Connect>"));
      case SAY_FIRST -> response.end(TWIML.replace("<Connect>", "<Say>Please hold</Say><Connect>"));
      case SERVER_ERROR ->
          response
              .setStatusCode(500)
              .putHeader("Content-Type", "application/json")
              .end("{\"detail\":\"internal\"}");
      case HANG, HOLD -> {}
    }
  }
}
