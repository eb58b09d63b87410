package io.callstream.twilio;

import io.callstream.call.CallRepository;
import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.logging.Logger;

/**
 * Recording without a TwiML verb (TWILIO_RECORD_CALLS=true): once the call is in progress a dual-channel recording is
 * started through Twilio's REST API, by whichever comes first of the in-progress status callback and a timer after
 * the stream answer (a phone number's status callback may only report the end of the call); a database claim makes
 * it happen once. Twilio's recording callback arrives after the call ended; the recording is then downloaded in the
 * background into AUDIO_DIR/{@code <call_sid>.mp3} (without AUDIO_DIR only its URL is kept).
 */
final class Recordings {
  private static final Logger LOG = Logger.getLogger(Recordings.class.getName());
  static final String CALLBACK_PATH = "/twilio/recording/status";
  /** After a stream answer, the first start attempt waits this long (Twilio refuses calls not yet in progress). */
  static final long START_DELAY_MS = 2_000;
  static final int START_ATTEMPTS = 5;

  /** What a recording callback did. */
  enum Outcome { ACCEPTED, UNCHANGED, UNKNOWN_CALL }

  private final Vertx vertx;
  private final Pool pool;
  private final Config.Twilio twilio;
  private final TwilioApiClient api;
  private final RecordingDownloader downloader;
  private final InboundCallRepository calls = new InboundCallRepository();
  private final CallRepository lookup = new CallRepository();

  /** {@code downloader} is null when AUDIO_DIR is unset. */
  Recordings(Vertx vertx, Pool pool, Config.Twilio twilio, TwilioApiClient api, RecordingDownloader downloader) {
    this.vertx = vertx;
    this.pool = pool;
    this.twilio = twilio;
    this.api = api;
    this.downloader = downloader;
  }

  /** Schedules the start for a call just answered with the stream (no-op unless TWILIO_RECORD_CALLS). */
  void startSoon(String callSid, String publicBase) {
    if (twilio.recordCalls()) {
      vertx.setTimer(START_DELAY_MS, t -> start(callSid, publicBase));
    }
  }

  /**
   * Starts the recording unless another trigger already did. Completes once the claim is decided (true when this
   * trigger won); the request to Twilio and its retries go on in the background, problems logged and stored.
   */
  Future<Boolean> start(String callSid, String publicBase) {
    if (!twilio.recordCalls()) {
      return Future.succeededFuture(false);
    }
    return calls.claimRecording(pool, callSid)
        .onSuccess(claimed -> {
          if (claimed) {
            attempt(callSid, publicBase + CALLBACK_PATH, 1).onFailure(e -> LOG.warning("call " + callSid
                + ": recording state not stored: " + e.getMessage()));
          }
        })
        .recover(e -> {
          LOG.warning("call " + callSid + ": claiming the recording failed: " + e.getMessage());
          return Future.succeededFuture(false);
        });
  }

  private Future<Void> attempt(String callSid, String callbackUrl, int attempt) {
    return api.startRecording(callSid, callbackUrl)
        .compose(recordingSid -> {
          LOG.info("call " + callSid + ": recording " + recordingSid + " started");
          return calls.setRecording(pool, callSid, "requested", "recording", recordingSid);
        })
        .recover(e -> lookup.findByIdentifier(pool, callSid).compose(call -> {
          boolean live = call.isPresent() && !call.get().ended();
          if (attempt >= START_ATTEMPTS || !live) {
            LOG.warning("call " + callSid + ": recording not started after " + attempt + " attempt(s): "
                + e.getMessage());
            return calls.setRecording(pool, callSid, "requested", "start_failed", null);
          }
          return vertx.timer(1000L << (attempt - 1)).compose(t -> attempt(callSid, callbackUrl, attempt + 1));
        }));
  }

  /**
   * Twilio's recording status callback. {@code completed}: the URL is kept and (with AUDIO_DIR) the download starts
   * in the background; a redelivery while downloading or after storing changes nothing. {@code absent} and
   * {@code failed} are stored as the recording's status. The URL must be on TWILIO_API_URL: the account's
   * credentials go nowhere else.
   */
  Future<Outcome> callback(String callSid, String status, String recordingSid, String recordingUrl) {
    if (!"completed".equals(status) && !"absent".equals(status) && !"failed".equals(status)) {
      return known(callSid, Outcome.UNCHANGED);
    }
    String url = "completed".equals(status) ? recordingUrl : null;
    String stored = !"completed".equals(status) ? status : downloader == null ? "available" : "downloading";
    return calls.claimDownload(pool, callSid, recordingSid, url, stored).compose(claimed -> {
      if (!claimed) {
        return known(callSid, Outcome.UNCHANGED);
      }
      if ("downloading".equals(stored)) {
        download(callSid, URI.create(recordingUrl + ".mp3"));
      }
      return Future.succeededFuture(Outcome.ACCEPTED);
    });
  }

  /** True when a RecordingUrl may be fetched with the account's credentials. */
  boolean acceptableUrl(String recordingUrl) {
    try {
      return api.isApiUrl(URI.create(recordingUrl));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void download(String callSid, URI url) {
    downloader.download(url, api.basicAuth(), callSid)
        .compose(file -> {
          LOG.info("call " + callSid + ": recording stored as " + file.fileName() + " (" + file.bytes() + " bytes)");
          return calls.stored(pool, callSid, file.fileName());
        })
        .recover(e -> {
          LOG.warning("call " + callSid + ": recording download failed for good: " + e.getMessage());
          return calls.setRecording(pool, callSid, "downloading", "download_failed", null);
        })
        .onFailure(e -> LOG.warning("call " + callSid + ": recording state not stored: " + e.getMessage()));
  }

  private Future<Outcome> known(String callSid, Outcome ifKnown) {
    return lookup.findByIdentifier(pool, callSid).map(c -> c.isPresent() ? ifKnown : Outcome.UNKNOWN_CALL);
  }
}
