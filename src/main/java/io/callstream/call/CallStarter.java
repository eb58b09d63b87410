package io.callstream.call;

import io.callstream.db.DatabaseErrors;
import io.callstream.db.UnavailableRetry;
import io.callstream.driver.Driver;
import io.callstream.driver.DriverRepository;
import io.callstream.events.CallEvents;
import io.callstream.events.CallStartedEvent;
import io.callstream.events.CallStatusEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Starts outbound calls, one per driver, concurrently and independently. For each driver the calls
 * row is written first (initiated, call_sid {@code EL_{driver_id}_{unix_seconds}}, suffixed {@code
 * _2}, {@code _3}... when that sid is taken; with the violation types and who started it) and
 * announced ({@code call_started} for the fleet feed), then ElevenLabs is asked to dial, exactly
 * once (never retried: a retry could ring a driver twice). Success stores the conversation id
 * (tried again for up to {@link #AFTER_DIAL_RETRY_MS} while PostgreSQL is unavailable: the driver's
 * phone is ringing, the id must not be lost), moves the call to in_progress, publishes call_status
 * and applies any webhook events already parked for the call; failure marks the call failed with
 * {@code api_error: ...}.
 */
public final class CallStarter {
  private static final Logger LOG = Logger.getLogger(CallStarter.class.getName());
  static final int MAX_SID_ATTEMPTS = 50;

  private final Pool pool;
  private final EventBus bus;
  private final ElevenLabsClient elevenLabs;
  private final ParkedEvents parked;
  private final CallMetrics metrics;
  private final CallRepository calls = new CallRepository();
  private final DriverRepository drivers = new DriverRepository();

  /**
   * How long the write after the dial is tried again while PostgreSQL is unavailable: ElevenLabs
   * has dialled by then, and a lost conversation id would leave the call and its webhooks
   * unmatched.
   */
  static final long AFTER_DIAL_RETRY_MS = 30_000;

  private final UnavailableRetry afterDial;

  public CallStarter(
      Vertx vertx,
      Pool pool,
      ElevenLabsClient elevenLabs,
      ParkedEvents parked,
      CallMetrics metrics) {
    this.afterDial = new UnavailableRetry(vertx, AFTER_DIAL_RETRY_MS);
    this.bus = vertx.eventBus();
    this.metrics = metrics;
    this.pool = pool;
    this.elevenLabs = elevenLabs;
    this.parked = parked;
  }

  /** One result per driver id, in the given order; never fails because of one driver. */
  public Future<List<CallStartResult>> start(
      List<String> driverIds, List<String> violationTypes, String startedBy) {
    List<Future<CallStartResult>> starts = new ArrayList<>();
    for (String driverId : driverIds) {
      starts.add(
          startOne(driverId, violationTypes, startedBy)
              .recover(
                  e -> {
                    LOG.warning("starting a call to driver " + driverId + " failed: " + e);
                    metrics.started("error");
                    return Future.succeededFuture(
                        new CallStartResult(
                            driverId,
                            null,
                            null,
                            null,
                            "internal error: "
                                + (DatabaseErrors.unavailable(e)
                                    ? "database unavailable"
                                    : e.getMessage())));
                  }));
    }
    return Future.join(starts).map(all -> starts.stream().map(Future::result).toList());
  }

  private Future<CallStartResult> startOne(
      String driverId, List<String> violationTypes, String startedBy) {
    return drivers
        .find(pool, driverId)
        .compose(
            driver -> {
              if (driver.isEmpty()) {
                metrics.started("unknown_driver");
                return Future.succeededFuture(
                    new CallStartResult(driverId, null, null, Call.FAILED, "unknown driver"));
              }
              return dial(driver.get(), violationTypes, startedBy);
            });
  }

  private Future<CallStartResult> dial(
      Driver driver, List<String> violationTypes, String startedBy) {
    String baseSid = "EL_" + driver.driverId() + "_" + Instant.now().getEpochSecond();
    return insert(baseSid, driver.driverId(), violationTypes, startedBy, 1)
        .compose(
            call -> {
              CallEvents.publish(
                  bus,
                  new CallStartedEvent(
                      call.id(), call.callSid(), call.conversationId(), call.toJson()));
              Map<String, Object> variables = new LinkedHashMap<>();
              variables.put("driver_name", driver.name());
              variables.put("violation_types", String.join(", ", violationTypes));
              variables.put("callstream_call_sid", call.callSid());
              return elevenLabs
                  .outboundCall(driver.phoneNumber(), variables)
                  .compose(dialled -> dialled(call, dialled), e -> dialFailed(call, e));
            });
  }

  /**
   * Inserts the initiated row; on a call_sid collision tries {@code <sid>_2}, {@code <sid>_3}, ...
   */
  private Future<Call> insert(
      String baseSid, String driverId, List<String> violationTypes, String startedBy, int attempt) {
    String sid = attempt == 1 ? baseSid : baseSid + "_" + attempt;
    return calls
        .insertInitiated(pool, sid, driverId, violationTypes, startedBy)
        .recover(
            e ->
                DatabaseErrors.uniqueViolation(e) && attempt < MAX_SID_ATTEMPTS
                    ? insert(baseSid, driverId, violationTypes, startedBy, attempt + 1)
                    : Future.failedFuture(e));
  }

  private Future<CallStartResult> dialled(Call call, ElevenLabsClient.Dialled dialled) {
    return afterDial
        .run(() -> calls.markDialled(pool, call.id(), dialled.conversationId()))
        .compose(
            update -> {
              Call c = update.call();
              if (update.changed()) {
                CallEvents.publish(
                    bus,
                    new CallStatusEvent(
                        c.id(), c.callSid(), c.conversationId(), c.status(), Instant.now()));
              }
              metrics.started("dialled");
              return applyParked(c).map(latest -> CallStartResult.of(latest, null));
            });
  }

  /**
   * Webhook events that arrived before the conversation id was known; a failure here is only a
   * warning.
   */
  private Future<Call> applyParked(Call call) {
    return parked
        .applyParked(call.conversationId(), call.callSid())
        .compose(
            applied ->
                applied > 0
                    ? calls.findById(pool, call.id()).map(found -> found.orElse(call))
                    : Future.succeededFuture(call))
        .recover(
            e -> {
              LOG.warning(
                  "call "
                      + call.callSid()
                      + ": applying parked webhook events failed: "
                      + e.getMessage());
              return Future.succeededFuture(call);
            });
  }

  private Future<CallStartResult> dialFailed(Call call, Throwable e) {
    String reason = "api_error: " + e.getMessage();
    LOG.warning(
        "call " + call.callSid() + " to driver " + call.driverId() + " not started: " + reason);
    metrics.started("dial_failed");
    return afterDial
        .run(() -> calls.markFailed(pool, call.id(), reason))
        .map(
            failed -> {
              failed.ifPresent(
                  c -> {
                    publishFailure(c);
                    metrics.finished(c);
                  });
              return new CallStartResult(
                  call.driverId(), call.callSid(), call.conversationId(), Call.FAILED, reason);
            });
  }

  private void publishFailure(Call c) {
    CallEvents.publishAll(bus, c.endEvents());
  }
}
