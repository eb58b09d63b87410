package io.callstream.twilio;

import io.callstream.call.CallRepository;
import io.callstream.config.AudioConfig;
import io.callstream.config.TwilioConfig;
import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.logging.Logger;

/**
 * Recording without a TwiML verb (TWILIO_RECORD_CALLS=true): once the call is in progress a
 * dual-channel recording is started through Twilio's REST API, by whichever comes first of the
 * in-progress status callback and a timer after the stream answer (a phone number's status callback
 * may only report the end of the call); a database claim makes it happen once. Twilio's recording
 * callback arrives after the call ended; the recording is then downloaded into the audio store
 * under the call sid before the callback is answered (docs/recordings.md).
 */
public final class Recordings {
  private static final Logger LOG = Logger.getLogger(Recordings.class.getName());
  static final String CALLBACK_PATH = "/twilio/recording/status";

  /**
   * After a stream answer, the first start attempt waits this long (Twilio refuses calls not yet in
   * progress).
   */
  static final long START_DELAY_MS = 2_000;

  static final int START_ATTEMPTS = 5;

  /** What a recording callback did. */
  enum Outcome {
    ACCEPTED,
    UNCHANGED,
    UNKNOWN_CALL,
    IN_PROGRESS
  }

  private final Vertx vertx;
  private final Pool pool;
  private final TwilioConfig twilio;
  private final TwilioApiClient api;
  private final RecordingDownloader downloader;
  private final AudioConfig audio;
  private final PendingRecordingRepository pending = new PendingRecordingRepository();
  private final CallRepository calls = new CallRepository();

  public Recordings(
      Vertx vertx,
      Pool pool,
      TwilioConfig twilio,
      TwilioApiClient api,
      RecordingDownloader downloader,
      AudioConfig audio) {
    this.audio = audio;
    this.vertx = vertx;
    this.pool = pool;
    this.twilio = twilio;
    this.api = api;
    this.downloader = downloader;
  }

  /**
   * Schedules the start for a call just answered with the stream (no-op unless
   * TWILIO_RECORD_CALLS).
   */
  void startSoon(String callSid, String publicBase) {
    if (twilio.recordCalls()) {
      vertx.setTimer(START_DELAY_MS, t -> start(callSid, publicBase));
    }
  }

  /**
   * Starts the recording unless another trigger already did. Completes once the claim is decided
   * (true when this trigger won); the request to Twilio and its retries go on in the background,
   * problems logged and stored.
   */
  Future<Boolean> start(String callSid, String publicBase) {
    if (!twilio.recordCalls()) {
      return Future.succeededFuture(false);
    }
    return calls
        .claimRecording(pool, callSid)
        .onSuccess(
            claimed -> {
              if (claimed) {
                attempt(callSid, publicBase + CALLBACK_PATH, 1)
                    .onFailure(
                        e ->
                            LOG.warning(
                                "call "
                                    + callSid
                                    + ": recording state not stored: "
                                    + e.getMessage()));
              }
            })
        .recover(
            e -> {
              LOG.warning("call " + callSid + ": claiming the recording failed: " + e.getMessage());
              return Future.succeededFuture(false);
            });
  }

  private Future<Void> attempt(String callSid, String callbackUrl, int attempt) {
    return api.startRecording(callSid, callbackUrl)
        .compose(
            recordingSid -> {
              LOG.info("call " + callSid + ": recording " + recordingSid + " started");
              return calls.recordingStarted(pool, callSid, recordingSid);
            })
        .recover(
            e ->
                calls
                    .findByIdentifier(pool, callSid)
                    .compose(
                        call -> {
                          boolean live = call.isPresent() && !call.get().ended();
                          if (attempt >= START_ATTEMPTS || !live) {
                            LOG.warning(
                                "call "
                                    + callSid
                                    + ": recording not started after "
                                    + attempt
                                    + " attempt(s): "
                                    + e.getMessage());
                            return calls.recordingStartFailed(pool, callSid);
                          }
                          return vertx
                              .timer(1000L << (attempt - 1))
                              .compose(t -> attempt(callSid, callbackUrl, attempt + 1));
                        }));
  }

  /**
   * Twilio's recording status callback. {@code completed}: the download is claimed (a row in
   * pending_recordings), the recording fetched into the audio store, and only once it is committed
   * does this complete with ACCEPTED (so Twilio's 200 means stored); a failed download fails with
   * 503 and stays pending (a redelivery, or the sweep after RECORDING_RETRY_MINUTES, takes it
   * over); IN_PROGRESS while another node is downloading it; UNCHANGED once stored. {@code absent}
   * and {@code failed} are stored as the recording's status. The URL must be on TWILIO_API_URL: the
   * account's credentials go nowhere else.
   */
  Future<Outcome> callback(
      String callSid, String status, String recordingSid, String recordingUrl) {
    if (!"completed".equals(status) && !"absent".equals(status) && !"failed".equals(status)) {
      return known(callSid, Outcome.UNCHANGED);
    }
    if (!"completed".equals(status)) {
      return calls
          .recordingEnded(pool, callSid, recordingSid, status)
          .compose(
              claimed ->
                  claimed
                      ? Future.succeededFuture(Outcome.ACCEPTED)
                      : known(callSid, Outcome.UNCHANGED));
    }
    return calls
        .recordingDownloading(pool, callSid, recordingSid, recordingUrl)
        .compose(
            open -> {
              if (!open) {
                return known(callSid, Outcome.UNCHANGED); // stored already, or no such call
              }
              return pending
                  .claim(pool, callSid, recordingSid, recordingUrl, audio.recordingRetryMinutes())
                  .compose(
                      claimed ->
                          claimed
                              ? fetch(callSid, recordingUrl).map(Outcome.ACCEPTED)
                              : Future.succeededFuture(Outcome.IN_PROGRESS));
            });
  }

  /**
   * Downloads the recordings whose download was abandoned (a node died) or failed,
   * RECORDING_RETRY_MINUTES after their last attempt; at most {@code limit} per call, one after the
   * other. Returns how many were stored.
   */
  public Future<Integer> retryPending(int limit) {
    return pending
        .claimStale(pool, audio.recordingRetryMinutes(), limit)
        .compose(
            list -> {
              Future<Integer> stored = Future.succeededFuture(0);
              for (PendingRecordingRepository.Pending p : list) {
                stored =
                    stored.compose(
                        n -> {
                          LOG.info(
                              "call "
                                  + p.callSid()
                                  + ": retrying the download of recording "
                                  + p.recordingSid());
                          return calls
                              .recordingDownloading(
                                  pool, p.callSid(), p.recordingSid(), p.recordingUrl())
                              .compose(v -> fetch(p.callSid(), p.recordingUrl()))
                              .map(v -> n + 1)
                              .otherwise(n);
                        });
              }
              return stored;
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

  /**
   * Downloads and stores; the pending row goes once the recording is committed, and stays (failed)
   * otherwise.
   */
  private Future<Void> fetch(String callSid, String recordingUrl) {
    return downloader
        .download(URI.create(recordingUrl + ".mp3"), api.basicAuth(), callSid)
        .compose(
            stored -> {
              LOG.info(
                  "call "
                      + callSid
                      + ": recording stored ("
                      + stored.size()
                      + " bytes, "
                      + stored.store()
                      + ")");
              return calls
                  .recordingStored(pool, callSid, callSid + ".mp3")
                  .compose(v -> pending.done(pool, callSid));
            })
        .recover(
            e -> {
              LOG.warning("call " + callSid + ": recording download failed: " + e.getMessage());
              return pending
                  .failed(pool, callSid, String.valueOf(e.getMessage()))
                  .compose(v -> calls.recordingDownloadFailed(pool, callSid))
                  .otherwiseEmpty()
                  .compose(
                      v ->
                          Future.failedFuture(
                              Failure.unavailable(
                                  "the recording could not be downloaded yet; it stays pending and is retried")));
            });
  }

  private Future<Outcome> known(String callSid, Outcome ifKnown) {
    return calls
        .findByIdentifier(pool, callSid)
        .map(c -> c.isPresent() ? ifKnown : Outcome.UNKNOWN_CALL);
  }
}
