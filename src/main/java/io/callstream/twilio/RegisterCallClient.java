package io.callstream.twilio;

import io.callstream.call.ElevenLabsException;
import io.callstream.call.ElevenLabsException.Kind;
import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.http.HttpResponseHead;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.concurrent.TimeoutException;

/**
 * ElevenLabs' {@code POST /v1/convai/twilio/register-call}: registers an inbound Twilio call with an agent and
 * returns the TwiML to hand back to Twilio. Bounded by TWILIO_REGISTER_TIMEOUT_MS (Twilio waits 15 s for the
 * voice webhook's answer). Failures are {@link ElevenLabsException}s with a truncated body. Never retries: the
 * caller is waiting on the line.
 */
public final class RegisterCallClient {
  static final String REGISTER_CALL = "/v1/convai/twilio/register-call";

  private final WebClient client;
  private final Config.ElevenLabs elevenLabs;
  private final Config.Twilio twilio;
  private final String basePath;

  /** The call to register: who called which number, and the variables the post-call webhook echoes back. */
  public record Registration(String callSid, String fromNumber, String toNumber, String driverName) {}

  public RegisterCallClient(Vertx vertx, Config.ElevenLabs elevenLabs, Config.Twilio twilio) {
    this.elevenLabs = elevenLabs;
    this.twilio = twilio;
    URI uri = elevenLabs.apiUrl();
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String path = uri.getPath() == null ? "" : uri.getPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(uri.getHost())
        .setDefaultPort(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80)
        .setSsl(tls)
        .setConnectTimeout(twilio.registerTimeoutMs())
        .setUserAgent("callstream"));
  }

  /** True when an API key and an agent are configured; else every inbound call gets the fallback answer. */
  public boolean configured() {
    return elevenLabs.apiKey() != null && twilio.inboundAgentId() != null;
  }

  /** The TwiML ElevenLabs answers (checked by the caller, never trusted). */
  public Future<String> register(Registration call) {
    if (!configured()) {
      return Future.failedFuture(new ElevenLabsException(Kind.REJECTED, 0,
          "not configured (ELEVENLABS_API_KEY, ELEVENLABS_INBOUND_AGENT_ID or ELEVENLABS_AGENT_ID unset)"));
    }
    JsonObject variables = new JsonObject()
        .put("callstream_call_sid", call.callSid())
        .put("driver_name", call.driverName() == null ? "" : call.driverName());
    JsonObject body = new JsonObject()
        .put("agent_id", twilio.inboundAgentId())
        .put("from_number", call.fromNumber())
        .put("to_number", call.toNumber())
        .put("direction", "inbound")
        .put("conversation_initiation_client_data", new JsonObject().put("dynamic_variables", variables));
    return client.post(basePath + REGISTER_CALL)
        .putHeader("xi-api-key", elevenLabs.apiKey())
        .putHeader("Accept", "application/xml, text/xml, application/json")
        .timeout(twilio.registerTimeoutMs())
        .sendJsonObject(body)
        .recover(RegisterCallClient::unreachable)
        .expecting(HttpResponseExpectation.SC_OK.wrappingFailure(RegisterCallClient::httpFailure))
        .map(RegisterCallClient::twiml);
  }

  /** The body is the TwiML document; a JSON string holding it is unwrapped too. */
  private static String twiml(HttpResponse<?> response) {
    String text = response.bodyAsString();
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.startsWith("\"")) {
      try {
        if (Json.decodeValue(trimmed) instanceof String s) {
          return s;
        }
      } catch (DecodeException e) {
        // not JSON: checked as XML below
      }
    }
    return trimmed;
  }

  private static <T> Future<T> unreachable(Throwable e) {
    String why = e instanceof TimeoutException
        || String.valueOf(e.getMessage()).toLowerCase().contains("timeout") ? "timeout" : "unreachable";
    return Future.failedFuture(new ElevenLabsException(Kind.UPSTREAM, 0,
        why + ": " + ElevenLabsException.truncate(String.valueOf(e.getMessage()))));
  }

  private static Throwable httpFailure(HttpResponseHead response, Throwable cause) {
    int status = response.statusCode();
    String body = response instanceof HttpResponse<?> r ? r.bodyAsString() : null;
    return new ElevenLabsException(status >= 500 ? Kind.UPSTREAM : Kind.REJECTED, status,
        "HTTP " + status + ": " + ElevenLabsException.truncate(body));
  }
}
