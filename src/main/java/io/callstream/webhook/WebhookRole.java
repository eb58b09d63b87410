package io.callstream.webhook;

import io.callstream.Services;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The webhook role of a verticle instance: verify ElevenLabs webhooks, store them, publish their events. */
public final class WebhookRole {
  private final Vertx vertx;
  private final Services services;

  public WebhookRole(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  public void addRoutes(Router router) {
    // webhooks issue
  }
}
