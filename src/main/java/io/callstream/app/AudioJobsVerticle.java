package io.callstream.app;

import io.callstream.audio.AudioRetention;
import io.callstream.config.Config;
import io.callstream.twilio.Recordings;
import io.callstream.twilio.TwilioRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.logging.Logger;

/**
 * The node's periodic audio duties, deployed once per node (docs/recordings.md): every
 * AUDIO_RETENTION_INTERVAL_SECONDS the retention pass (AUDIO_RETENTION_DAYS) and, on a node with
 * the webhook role and Twilio configured, the retry of Twilio downloads pending longer than
 * RECORDING_RETRY_MINUTES. Both are safe on every node at once (rows are taken with SKIP LOCKED).
 * The next pass is scheduled when one ends.
 */
public final class AudioJobsVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(AudioJobsVerticle.class.getName());

  /** Pending recordings retried per pass. */
  static final int RETRIES_PER_PASS = 10;

  private final NodeResources node;
  private AudioRetention retention;
  private Recordings recordings;
  private boolean stopped;
  private long timer = -1;

  public AudioJobsVerticle(NodeResources node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    Config config = node.config();
    retention = new AudioRetention(node.audio(), config.audio().retentionDays(), node.registry());
    if (config.http().has(Config.NodeRole.WEBHOOK) && config.twilio().enabled()) {
      recordings =
          TwilioRoutes.recordings(
              vertx, node.pool(), config.twilio(), node.audio(), config.audio());
    }
    schedule(1_000);
    return Future.succeededFuture();
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(delayMs, t -> pass());
    }
  }

  /** Runs both duties; problems are logged and the next pass comes anyway. */
  Future<Void> pass() {
    Future<Integer> retried =
        recordings == null ? Future.succeededFuture(0) : recordings.retryPending(RETRIES_PER_PASS);
    return retried
        .recover(
            e -> {
              LOG.warning("retrying pending recordings failed: " + e.getMessage());
              return Future.succeededFuture(0);
            })
        .compose(n -> retention.run())
        .recover(
            e -> {
              LOG.warning("the audio retention pass failed: " + e.getMessage());
              return Future.succeededFuture(0);
            })
        .onComplete(done -> schedule(node.config().audio().retentionIntervalSeconds() * 1000L))
        .mapEmpty();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
