package io.callstream.support;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A plain HTTP client for tests, talking to 127.0.0.1. */
public final class Http {
  private Http() {}

  public static WebClient client(Vertx vertx) {
    return WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true));
  }
}
