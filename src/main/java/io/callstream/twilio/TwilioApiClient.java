package io.callstream.twilio;

import io.callstream.call.ElevenLabsException;
import io.callstream.config.TwilioConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Twilio's REST API (TWILIO_API_URL, basic auth account sid + auth token): starting a dual-channel
 * recording of a live call, whose completion Twilio reports to {@code RecordingStatusCallback}.
 */
public final class TwilioApiClient {
  static final int TIMEOUT_MS = 10_000;

  private final WebClient client;
  private final TwilioConfig twilio;
  private final String basePath;

  public TwilioApiClient(Vertx vertx, TwilioConfig twilio) {
    this.twilio = twilio;
    URI uri = twilio.apiUrl();
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String path = uri.getPath() == null ? "" : uri.getPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost(uri.getHost())
                .setDefaultPort(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80)
                .setSsl(tls)
                .setConnectTimeout(TIMEOUT_MS)
                .setUserAgent("callstream"));
  }

  /**
   * {@code Authorization: Basic} for the account; also sent when downloading the account's
   * recordings.
   */
  public String basicAuth() {
    String pair = twilio.accountSid() + ":" + twilio.authToken();
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * POST .../Calls/{callSid}/Recordings.json with RecordingChannels=dual; returns the recording sid
   * (RE...). Twilio refuses it (4xx) while the call is not in progress yet.
   */
  public Future<String> startRecording(String callSid, String statusCallbackUrl) {
    String path =
        basePath
            + "/2010-04-01/Accounts/"
            + encode(twilio.accountSid())
            + "/Calls/"
            + encode(callSid)
            + "/Recordings.json";
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("RecordingChannels", "dual")
            .add("RecordingStatusCallback", statusCallbackUrl)
            .add("RecordingStatusCallbackEvent", "completed absent failed")
            .add("RecordingStatusCallbackMethod", "POST");
    return client
        .post(path)
        .putHeader("Authorization", basicAuth())
        .putHeader("Accept", "application/json")
        .timeout(TIMEOUT_MS)
        .sendForm(form)
        .expecting(
            HttpResponseExpectation.SC_SUCCESS.wrappingFailure(
                (response, cause) ->
                    new IllegalStateException(
                        "HTTP "
                            + response.statusCode()
                            + ": "
                            + ElevenLabsException.truncate(
                                response instanceof HttpResponse<?> r ? r.bodyAsString() : null))))
        .map(
            response -> {
              JsonObject json = response.bodyAsJsonObject();
              if (json == null || !(json.getValue("sid") instanceof String sid)) {
                throw new IllegalStateException(
                    "no recording sid in " + ElevenLabsException.truncate(response.bodyAsString()));
              }
              return sid;
            });
  }

  /**
   * True when a URL is on TWILIO_API_URL's scheme, host and port: only those get the account's
   * credentials.
   */
  public boolean isApiUrl(URI url) {
    URI api = twilio.apiUrl();
    return url.getScheme() != null
        && url.getScheme().equalsIgnoreCase(api.getScheme())
        && url.getHost() != null
        && url.getHost().equalsIgnoreCase(api.getHost())
        && port(url) == port(api)
        && url.getRawUserInfo() == null;
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
