package io.callstream.http;

import io.callstream.Services;
import io.callstream.auth.AuthHandler;
import io.callstream.auth.AuthRoutes;
import io.callstream.auth.Tokens;
import io.callstream.call.Backfill;
import io.callstream.call.BackfillRoutes;
import io.callstream.call.CallRoutes;
import io.callstream.call.CallStarter;
import io.callstream.call.ElevenLabsClient;
import io.callstream.driver.DriverRoutes;
import io.callstream.webhook.PostCallService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The API role: routes for people and scripts (auth, calls, drivers, backfill), one routes class per feature. */
public final class ApiRoutes {
  private final Vertx vertx;
  private final Services services;

  public ApiRoutes(Vertx vertx, Services services) {
    this.vertx = vertx;
    this.services = services;
  }

  public void addRoutes(Router router) {
    Tokens tokens = new Tokens(vertx, services.config().auth());
    AuthHandler auth = new AuthHandler(tokens);
    ElevenLabsClient elevenLabs = new ElevenLabsClient(vertx, services.config().elevenLabs());
    PostCallService postCall = new PostCallService(vertx, services);
    new AuthRoutes(vertx, services, tokens).addRoutes(router);
    new DriverRoutes(services, auth).addRoutes(router);
    new CallRoutes(services, auth, new CallStarter(vertx, services, elevenLabs, postCall)).addRoutes(router);
    new BackfillRoutes(services, auth, new Backfill(services, elevenLabs, postCall)).addRoutes(router);
    new io.callstream.twilio.TwilioRoutes(vertx, services.pool(), vertx.eventBus(), services.config().twilio(), services.config().elevenLabs(), services.config().webhooks().audioDir(), services.metrics()).addRoutes(router);
  }
}
