package io.callstream.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * The tests' HTTP clients, talking to 127.0.0.1. Every answer they receive on a documented route is
 * validated against api/openapi.yaml ({@link ApiContract}): an undocumented status or a body that
 * does not match its schema fails the request.
 */
public final class Http {
  private Http() {}

  public static WebClient client(Vertx vertx) {
    return client(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true));
  }

  public static WebClient client(Vertx vertx, WebClientOptions options) {
    return ApiContract.enforce(WebClient.create(vertx, options));
  }

  /**
   * A client whose answers are NOT validated: for answers that are not a callstream node's (the
   * load balancer's own refusals in front of it).
   */
  public static WebClient unchecked(Vertx vertx) {
    return WebClient.create(
        vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true));
  }

  public static WebClient client(Vertx vertx, WebClientOptions options, PoolOptions pool) {
    return ApiContract.enforce(WebClient.create(vertx, options, pool));
  }
}
