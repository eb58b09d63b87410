package io.callstream.twilio;

import io.callstream.audio.AudioStore;
import io.callstream.call.ElevenLabsClient;
import io.callstream.config.AudioConfig;
import io.callstream.config.Config;
import io.callstream.config.TwilioConfig;
import io.callstream.failure.ErrorCode;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * Twilio's webhooks for inbound driver calls, all form-encoded and signed ({@code
 * X-Twilio-Signature}, 403 when wrong; 503 while TWILIO_AUTH_TOKEN is unset): the voice webhook
 * answers TwiML, the call status and recording status callbacks answer {@code {"status":"success"}}
 * (404 for a call callstream does not know).
 */
public final class TwilioRoutes {
  public static final String VOICE_INBOUND = "/twilio/voice/inbound";
  public static final String VOICE_STATUS = "/twilio/voice/status";
  public static final String RECORDING_STATUS = Recordings.CALLBACK_PATH;

  /** Twilio's parameters are a few KiB at most. */
  static final int BODY_LIMIT = 64 * 1024;

  /** Twilio call sids; also the recording's file name, so nothing else may pass. */
  static final Pattern CALL_SID = Pattern.compile("CA[0-9a-fA-F]{32}");

  static final long DOWNLOAD_BACKOFF_MS = 1_000;

  private final TwilioConfig twilio;
  private final InboundCalls inbound;
  private final CallStatusCallbacks statuses;
  private final Recordings recordings;

  /** Recordings are downloaded into {@code audioStore} (AUDIO_STORE). */
  public TwilioRoutes(
      Vertx vertx,
      Pool pool,
      EventBus bus,
      TwilioConfig twilio,
      Config.ElevenLabs elevenLabs,
      ElevenLabsClient elevenLabsClient,
      AudioStore audioStore,
      AudioConfig audio,
      MeterRegistry metrics) {
    this.twilio = twilio;
    CallPublisher publisher = new CallPublisher(bus);
    this.recordings = recordings(vertx, pool, twilio, audioStore, audio);
    this.inbound =
        new InboundCalls(
            vertx, pool, publisher, elevenLabsClient, elevenLabs, twilio, recordings, metrics);
    this.statuses = new CallStatusCallbacks(pool, publisher, recordings);
  }

  /**
   * The recordings of Twilio calls, downloaded into {@code audioStore}; also used by the node's
   * sweep.
   */
  public static Recordings recordings(
      Vertx vertx, Pool pool, TwilioConfig twilio, AudioStore audioStore, AudioConfig audio) {
    return new Recordings(
        vertx,
        pool,
        twilio,
        new TwilioApiClient(vertx, twilio),
        new RecordingDownloader(vertx, audioStore, DOWNLOAD_BACKOFF_MS),
        audio);
  }

  public void addRoutes(Router router) {
    route(router, VOICE_INBOUND).handler(this::voice);
    route(router, VOICE_STATUS).handler(this::status);
    route(router, RECORDING_STATUS).handler(this::recording);
  }

  private Route route(Router router, String path) {
    return router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
        .handler(this::configured)
        .handler(this::authenticate);
  }

  private void configured(RoutingContext ctx) {
    if (twilio.enabled()) {
      ctx.next();
    } else {
      ctx.fail(
          Failure.unavailable("Twilio is not configured on this node (TWILIO_AUTH_TOKEN unset)"));
    }
  }

  /**
   * The signature over the public URL and the decoded POST parameters, before anything else is
   * read.
   */
  private void authenticate(RoutingContext ctx) {
    String url =
        TwilioSignature.publicUrl(
            twilio.publicBaseUrl(), ctx.request().uri(), ctx.request().absoluteURI());
    if (TwilioSignature.verify(
        twilio.authToken(),
        url,
        ctx.request().formAttributes(),
        ctx.request().getHeader(TwilioSignature.HEADER))) {
      ctx.next();
    } else {
      ctx.fail(Failure.forbidden("missing or invalid " + TwilioSignature.HEADER));
    }
  }

  private void voice(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    InboundCalls.Incoming call =
        new InboundCalls.Incoming(callSid(form), form.get("From"), form.get("To"), publicBase(ctx));
    inbound
        .answer(call)
        .onSuccess(
            twiml -> ctx.response().putHeader("Content-Type", "text/xml; charset=utf-8").end(twiml))
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String callStatus = required(form, "CallStatus");
    statuses
        .apply(callSid(form), callStatus, seconds(form.get("CallDuration")), publicBase(ctx))
        .onSuccess(outcome -> answer(ctx, outcome == CallStatusCallbacks.Outcome.UNKNOWN_CALL))
        .onFailure(ctx::fail);
  }

  private void recording(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    String sid = callSid(form);
    String status = required(form, "RecordingStatus");
    String url = form.get("RecordingUrl");
    if ("completed".equals(status) && (url == null || !recordings.acceptableUrl(url))) {
      throw Failure.invalid("RecordingUrl must be a recording on TWILIO_API_URL");
    }
    recordings
        .callback(sid, status, form.get("RecordingSid"), url)
        .onSuccess(
            outcome -> {
              if (outcome == Recordings.Outcome.IN_PROGRESS) {
                ctx.response().putHeader("Retry-After", "60");
                ctx.fail(
                    Failure.unavailable("another node is downloading this recording; retry later"));
              } else {
                answer(ctx, outcome == Recordings.Outcome.UNKNOWN_CALL);
              }
            })
        .onFailure(ctx::fail);
  }

  private static void answer(RoutingContext ctx, boolean unknownCall) {
    if (unknownCall) {
      ctx.fail(Failure.notFound("no such call").withCode(ErrorCode.CALL_NOT_FOUND));
    } else {
      Responses.json(ctx.response(), Responses.success());
    }
  }

  /**
   * Where Twilio reaches this node: PUBLIC_BASE_URL, else the scheme and host this request came to.
   */
  private String publicBase(RoutingContext ctx) {
    URI base = twilio.publicBaseUrl();
    if (base != null) {
      String s = base.toString();
      return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
    URI self = URI.create(ctx.request().absoluteURI());
    return self.getScheme() + "://" + self.getRawAuthority();
  }

  private static String callSid(MultiMap form) {
    String sid = required(form, "CallSid");
    if (!CALL_SID.matcher(sid).matches()) {
      throw Failure.invalid("CallSid is not a Twilio call sid (CA + 32 hex digits)");
    }
    return sid;
  }

  private static String required(MultiMap form, String name) {
    String value = form.get(name);
    if (value == null || value.isBlank()) {
      throw Failure.invalid(name + " is required");
    }
    return value;
  }

  private static Integer seconds(String value) {
    try {
      return value == null ? null : Integer.valueOf(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
