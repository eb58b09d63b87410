package io.callstream.twilio;

import io.callstream.call.Call;
import io.callstream.call.CallRepository;
import io.callstream.call.ElevenLabsClient;
import io.callstream.config.Config;
import io.callstream.config.TwilioConfig;
import io.callstream.driver.Driver;
import io.callstream.driver.DriverRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Answers Twilio's "a call comes in" webhook. The calls row is written first (call_sid = Twilio's
 * CallSid, inbound, initiated; the driver found by the From number, or none), then ElevenLabs'
 * register-call is asked for the TwiML. That TwiML is answered only when it passes {@link
 * TwimlCheck} (stream first, never {@code <Record>}); otherwise, or when ElevenLabs fails or is
 * slow, the caller hears a short apology and the call is marked failed. An initiated call is
 * announced with call_started (the fleet feed); call_status carries in_progress, completed and
 * failed.
 *
 * <p>Only the request that inserted the row asks ElevenLabs (a register-call costs credits and
 * opens a conversation). A replayed or duplicate webhook for a known CallSid is answered from what
 * is stored: an ended call hangs up, a live one gets the TwiML it was answered with (column
 * inbound_answer); while the first request is still registering, a duplicate waits for that answer
 * (checking every {@value #REPLAY_POLL_MS} ms, up to the register timeout plus {@value
 * #REPLAY_GRACE_MS} ms) and otherwise gets the apology, without touching the call.
 */
final class InboundCalls {
  private static final Logger LOG = Logger.getLogger(InboundCalls.class.getName());
  static final String METER = "callstream_twilio_inbound_answers";
  static final String HANGUP =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Hangup/></Response>";
  static final long REPLAY_POLL_MS = 200;
  static final long REPLAY_GRACE_MS = 2000;

  /** Twilio's parameters that matter here. */
  record Incoming(String callSid, String from, String to, String publicBase) {}

  private record Checked(String twiml, TwimlCheck.Verdict verdict) {}

  private final Vertx vertx;
  private final Pool pool;
  private final CallPublisher publisher;
  private final ElevenLabsClient elevenLabs;
  private final Config.ElevenLabs elevenLabsSettings;
  private final TwilioConfig twilio;
  private final Recordings recordings;
  private final CallRepository calls = new CallRepository();
  private final DriverRepository drivers = new DriverRepository();
  private final Counter streamAnswers;
  private final Counter fallbackAnswers;
  private final Counter replayAnswers;

  InboundCalls(
      Vertx vertx,
      Pool pool,
      CallPublisher publisher,
      ElevenLabsClient elevenLabs,
      Config.ElevenLabs elevenLabsSettings,
      TwilioConfig twilio,
      Recordings recordings,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.publisher = publisher;
    this.elevenLabs = elevenLabs;
    this.elevenLabsSettings = elevenLabsSettings;
    this.twilio = twilio;
    this.recordings = recordings;
    this.streamAnswers = answers(metrics, "stream");
    this.fallbackAnswers = answers(metrics, "fallback");
    this.replayAnswers = answers(metrics, "replay");
  }

  private static Counter answers(MeterRegistry metrics, String shape) {
    return Counter.builder(METER)
        .tag("shape", shape)
        .description("TwiML answers to Twilio's inbound voice webhook, by shape")
        .register(metrics);
  }

  /**
   * The TwiML for Twilio; fails only when the calls row cannot be written (the database is down).
   */
  Future<String> answer(Incoming in) {
    return drivers
        .findByPhoneNumber(pool, in.from())
        .compose(
            caller ->
                calls
                    .insertInbound(
                        pool, in.callSid(), caller.map(Driver::driverId).orElse(null), in.from())
                    .compose(
                        inserted -> {
                          if (!inserted.inserted()) {
                            replayAnswers.increment();
                            return replay(
                                in.callSid(),
                                System.nanoTime()
                                    + (twilio.registerTimeoutMs() + REPLAY_GRACE_MS) * 1_000_000);
                          }
                          Call call = inserted.call();
                          publisher.started(call); // on the fleet feed like an outbound call
                          return registerAndCheck(in, caller.map(Driver::name).orElse(null))
                              .compose(
                                  checked ->
                                      checked.verdict().ok()
                                          ? stream(call, in, checked.twiml())
                                          : fallback(call, checked.verdict().reason()));
                        }));
  }

  /** A known CallSid: answered from the row, never registered again. */
  private Future<String> replay(String callSid, long deadlineNanos) {
    return calls
        .inboundAnswer(pool, callSid)
        .compose(
            row -> {
              if (row.isEmpty() || !row.get().live()) {
                LOG.info("voice webhook replayed for ended call " + callSid + ": hang-up");
                return Future.succeededFuture(HANGUP);
              }
              if (row.get().twiml() != null) {
                LOG.info(
                    "voice webhook replayed for live call " + callSid + ": its first answer again");
                return Future.succeededFuture(row.get().twiml());
              }
              if (System.nanoTime() - deadlineNanos > 0) {
                LOG.warning(
                    "voice webhook repeated for "
                        + callSid
                        + " while its first answer is still unknown: apology");
                return Future.succeededFuture(TwimlCheck.FALLBACK);
              }
              return vertx.timer(REPLAY_POLL_MS).compose(t -> replay(callSid, deadlineNanos));
            });
  }

  /**
   * ElevenLabs' TwiML and its verdict; a failed or slow register-call is a refused verdict (never a
   * failure).
   */
  private Future<Checked> registerAndCheck(Incoming in, String driverName) {
    return register(in, driverName)
        .compose(
            twiml ->
                vertx.executeBlocking(() -> new Checked(twiml, TwimlCheck.check(twiml)), false))
        .recover(
            e ->
                Future.succeededFuture(
                    new Checked(
                        null,
                        TwimlCheck.Verdict.refused("register-call failed: " + e.getMessage()))));
  }

  /**
   * ElevenLabs' register-call for the inbound agent, bounded by TWILIO_REGISTER_TIMEOUT_MS. Never
   * retried: the caller is waiting on the line. Without an API key or an inbound agent every call
   * gets the fallback answer.
   */
  private Future<String> register(Incoming in, String driverName) {
    if (elevenLabsSettings.apiKey() == null || twilio.inboundAgentId() == null) {
      return Future.failedFuture(
          "not configured (ELEVENLABS_API_KEY, ELEVENLABS_INBOUND_AGENT_ID or ELEVENLABS_AGENT_ID unset)");
    }
    // the post-call webhook echoes these back
    Map<String, Object> variables =
        Map.of(
            "callstream_call_sid",
            in.callSid(),
            "driver_name",
            driverName == null ? "" : driverName);
    return elevenLabs.registerTwilioCall(
        twilio.inboundAgentId(), in.from(), in.to(), variables, twilio.registerTimeoutMs());
  }

  private Future<String> stream(Call call, Incoming in, String twiml) {
    streamAnswers.increment();
    LOG.info(
        "inbound call "
            + call.callSid()
            + " (driver "
            + call.driverId()
            + ") answered with stream TwiML: "
            + oneLine(twiml));
    recordings.startSoon(call.callSid(), in.publicBase());
    return calls
        .saveInboundAnswer(pool, call.callSid(), twiml)
        .recover(
            e -> {
              // the caller still gets the stream; a replay would wait for the answer and then get
              // the apology
              LOG.warning(
                  "inbound call "
                      + call.callSid()
                      + ": storing its answer failed: "
                      + e.getMessage());
              return Future.succeededFuture();
            })
        .map(twiml);
  }

  private Future<String> fallback(Call call, String reason) {
    fallbackAnswers.increment();
    String failure = "inbound_error: " + reason;
    LOG.warning(
        "inbound call "
            + call.callSid()
            + " (driver "
            + call.driverId()
            + ") answered with fallback TwiML ("
            + failure
            + "): "
            + TwimlCheck.FALLBACK);
    return calls
        .markInboundFailed(pool, call.callSid(), failure)
        .map(
            failed -> {
              failed.ifPresent(publisher::ended);
              return TwimlCheck.FALLBACK;
            })
        .recover(
            e -> {
              // the caller still gets the apology; the row stays initiated until Twilio's status
              // callback ends it
              LOG.warning(
                  "inbound call "
                      + call.callSid()
                      + ": marking it failed failed: "
                      + e.getMessage());
              return Future.succeededFuture(TwimlCheck.FALLBACK);
            });
  }

  private static String oneLine(String twiml) {
    return twiml.replaceAll("[\\r\\n]+\\s*", "");
  }
}
