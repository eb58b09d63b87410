package io.callstream.bench;

import io.callstream.cluster.ClusterSetup;
import io.callstream.config.Config;
import io.callstream.support.Await;
import io.callstream.support.Ports;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The latency baselines. A loopback HTTP round trip: one keep-alive connection, GET /ping on a
 * {@link BareServer}, one request at a time. An event-bus round trip: request/reply between two
 * clustered Vert.x instances (Hazelcast on loopback, configured exactly like callstream's), one
 * message at a time, carrying a frame-sized body.
 */
final class RoundTrips {
  private RoundTrips() {}

  static Histogram http(Vertx vertx, int port, int count) {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(port)
                .setKeepAlive(true)
                .setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(1));
    try {
      return await(sequential(vertx, count, () -> ping(client)));
    } finally {
      client.close();
    }
  }

  private static Future<Void> ping(HttpClient client) {
    return client
        .request(HttpMethod.GET, "/ping")
        .compose(r -> r.send())
        .compose(r -> r.body())
        .mapEmpty();
  }

  static Histogram eventBus(int count, String payload) {
    int[] ports = {Ports.free(), Ports.free()};
    List<String> members = List.of("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1]);
    Vertx x = await(clustered(ports[0], members));
    Vertx y = null;
    try {
      y = await(clustered(ports[1], members));
      await(y.eventBus().<String>consumer("bench.echo", m -> m.reply("ok")).completion());
      // the consumer on y is known to x only after Hazelcast propagated it
      Await.until(
          "the echo consumer became visible across the cluster",
          () -> {
            try {
              await(x.eventBus().request("bench.echo", payload));
              return true;
            } catch (RuntimeException noHandlerYet) {
              return false;
            }
          },
          Duration.ofSeconds(30));
      Vertx sender = x;
      return await(sequential(x, count, () -> sender.eventBus().request("bench.echo", payload)));
    } finally {
      if (y != null) {
        awaitQuietly(y.close());
      }
      awaitQuietly(x.close());
    }
  }

  /**
   * Runs {@code op} one at a time on an event loop, count / 5 times to warm up, then count times
   * timed (so the timing holds no thread hand-off of this benchmark's own).
   */
  static Future<Histogram> sequential(Vertx vertx, int count, Supplier<Future<?>> op) {
    Promise<Histogram> done = Promise.promise();
    Histogram h = Lat.histogram();
    int warmup = count / 5;
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                new Object() {
                  int i;

                  void next() {
                    if (i == warmup + count) {
                      done.complete(h);
                      return;
                    }
                    long t0 = System.nanoTime();
                    op.get()
                        .onComplete(
                            ar -> {
                              if (ar.failed()) {
                                done.fail(ar.cause());
                                return;
                              }
                              if (i++ >= warmup) {
                                Lat.record(h, System.nanoTime() - t0);
                              }
                              next();
                            });
                  }
                }.next());
    return done.future();
  }

  private static Future<Vertx> clustered(int port, List<String> members) {
    Config.Cluster cluster = new Config.Cluster(true, "127.0.0.1", port, members, null, 5);
    HazelcastClusterManager manager = ClusterSetup.clusterManager(cluster);
    VertxOptions options =
        new VertxOptions()
            .setEventBusOptions(
                new EventBusOptions()
                    .setHost("127.0.0.1")
                    .setPort(0)
                    .setClusterPublicHost("127.0.0.1"));
    return Vertx.builder().with(options).withClusterManager(manager).buildClustered();
  }

  static <T> T await(Future<T> future) {
    return Await.result(future, Duration.ofSeconds(120));
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      await(future);
    } catch (RuntimeException | AssertionError ignored) {
      // closing at the end of a baseline: best effort
    }
  }
}
