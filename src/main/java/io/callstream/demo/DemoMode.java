package io.callstream.demo;

import io.callstream.config.Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Demo mode (ELEVENLABS_API_URL=simulator): an in-process ElevenLabs simulator takes the place of
 * ElevenLabs' REST API, plays every call it is asked to dial back to callstream through its public
 * webhooks, and demo users and drivers are seeded. Everything after the dial goes through the real
 * HTTP paths, signatures, inbox and event bus. Every log line of demo mode starts with {@value
 * #PREFIX} (bin/cluster picks them out of the node logs).
 */
public final class DemoMode {
  private static final Logger LOG = Logger.getLogger(DemoMode.class.getName());
  public static final String PREFIX = "DEMO MODE: ";
  public static final String BANNER =
      PREFIX + "ElevenLabs simulator is on, no real calls are placed";

  private DemoMode() {}

  /**
   * The node's start-up hook: the config unchanged unless it asks for the simulator; else starts
   * the simulator (webhooks to PUBLIC_BASE_URL, or this node's HTTP port), seeds the demo data, and
   * returns the config with ELEVENLABS_API_URL pointing at the simulator. {@code passwordHash}
   * hashes the demo users' passwords.
   */
  public static Future<Config> configure(
      Vertx vertx, Pool pool, Config config, UnaryOperator<String> passwordHash) {
    if (!config.elevenLabs().simulator()) {
      return Future.succeededFuture(config);
    }
    Config.Demo demo = config.demo();
    if (demo.publicBaseUrl() == null && config.http().port() == 0) {
      return Future.failedFuture(
          new IllegalStateException(
              "ELEVENLABS_API_URL=simulator with HTTP_PORT=0: set PUBLIC_BASE_URL so the simulator can reach the node"));
    }
    URI target =
        demo.publicBaseUrl() != null
            ? demo.publicBaseUrl()
            : URI.create("http://127.0.0.1:" + config.http().port());
    SimulatorSettings settings =
        new SimulatorSettings(
            target,
            config.webhooks().signingSecret(),
            new Pacing(demo.pacingMinMs(), demo.pacingMaxMs()),
            demo.failurePercent(),
            new Random());
    return start(vertx, pool, settings, passwordHash)
        .map(url -> config.withElevenLabs(config.elevenLabs().withApiUrl(url)));
  }

  /**
   * Starts the simulator and seeds the demo data (a seeding failure is only logged); returns the
   * simulator URL.
   */
  public static Future<URI> start(
      Vertx vertx, Pool pool, SimulatorSettings settings, UnaryOperator<String> passwordHash) {
    return startSimulator(vertx, settings)
        .compose(
            simulator -> {
              URI url = simulator.baseUrl();
              LOG.warning(
                  BANNER
                      + " (simulator "
                      + url
                      + ", webhooks to "
                      + settings.target()
                      + ", turns "
                      + settings.pacing()
                      + " apart, "
                      + settings.failurePercent()
                      + "% of calls not answered"
                      + (settings.webhookSecret() == null ? ", webhooks UNSIGNED" : "")
                      + ")");
              LOG.warning(
                  PREFIX + "console " + settings.target().toString().replaceAll("/?$", "/"));
              return new DemoSeed(vertx, pool, passwordHash)
                  .seed()
                  .onSuccess(DemoMode::report)
                  .onFailure(
                      e ->
                          LOG.warning(
                              PREFIX
                                  + "seeding the demo users and drivers failed: "
                                  + e.getMessage()))
                  .transform(ar -> Future.succeededFuture(url));
            });
  }

  /** Starts only the simulator (tests use it directly). */
  public static Future<ElevenLabsSimulator> startSimulator(
      Vertx vertx, SimulatorSettings settings) {
    // the scripts are a classpath read: off the event loop
    return vertx
        .executeBlocking(Scripts::load)
        .compose(
            scripts -> {
              WebhookSender sender =
                  new WebhookSender(vertx, settings.target(), settings.webhookSecret());
              ElevenLabsSimulator simulator =
                  new ElevenLabsSimulator(
                      vertx, new ConversationPlayer(vertx, scripts, sender, settings));
              return simulator.start().map(simulator);
            });
  }

  private static void report(DemoSeed.Seeded seeded) {
    for (DemoSeed.DemoUser user : seeded.users()) {
      LOG.warning(
          PREFIX
              + (user.created()
                  ? "user "
                      + user.username()
                      + " created with password "
                      + user.password()
                      + " (role "
                      + user.role()
                      + ")"
                  : "user "
                      + user.username()
                      + " exists; its password was printed when it was created (reset it with "
                      + "`java -jar target/callstream.jar user add "
                      + user.username()
                      + " --role "
                      + user.role()
                      + "`)"));
    }
    LOG.warning(
        PREFIX
            + "drivers "
            + DemoSeed.DRIVERS.stream().map(DemoSeed.DemoDriver::driverId).toList()
            + " with fictitious numbers +1555010xxxx ("
            + seeded.driversCreated()
            + " created now)");
  }
}
