package io.callstream.soak;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak user's JWT from POST /auth/token (through nginx), fetched again once a third of its
 * lifetime has passed, as the console does; while a fetch fails (a fault) the last token is kept.
 */
final class Tokens {
  private final String base;
  private final String username;
  private final String password;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String token;
  private volatile long refreshAtMillis;
  final AtomicLong fetches = new AtomicLong();
  final AtomicLong failures = new AtomicLong();

  Tokens(String base, String username, String password) {
    this.base = base;
    this.username = username;
    this.password = password;
  }

  String get() {
    if (token == null || System.currentTimeMillis() >= refreshAtMillis) {
      refresh();
    }
    return token;
  }

  /** The last token fetched, without ever blocking (dashboards call this on their event loop). */
  String current() {
    return token;
  }

  synchronized void refresh() {
    if (token != null && System.currentTimeMillis() < refreshAtMillis) {
      return;
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/auth/token"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject()
                              .put("username", username)
                              .put("password", password)
                              .encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("POST /auth/token answered " + r.statusCode() + " " + r.body());
      }
      JsonObject body = new JsonObject(r.body());
      token = body.getString("access_token");
      refreshAtMillis = System.currentTimeMillis() + body.getLong("expires_in", 60L) * 1000 / 3;
      fetches.incrementAndGet();
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      refreshAtMillis = System.currentTimeMillis() + 2_000;
      if (token == null) {
        throw new IllegalStateException("no token: " + e.getMessage(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
