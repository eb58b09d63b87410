package io.callstream.driver;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.failure.Failure;
import io.callstream.web.ApiInput;
import io.callstream.web.Responses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * {@code PUT /drivers/{driver_id}} (admin: create or update; 201 created, 200 updated) and {@code
 * GET /drivers} (dispatchers too: they pick whom to call).
 */
public final class DriverRoutes {
  private final Pool pool;
  private final AuthHandler auth;
  private final DriverRepository drivers = new DriverRepository();

  public DriverRoutes(Pool pool, AuthHandler auth) {
    this.pool = pool;
    this.auth = auth;
  }

  public void addRoutes(Router router) {
    router
        .put("/drivers/:driver_id")
        .handler(ApiInput.body())
        .handler(auth.require(TokenClaims.ADMIN))
        .handler(this::put);
    router.get("/drivers").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::list);
  }

  private void put(RoutingContext ctx) {
    String driverId = ApiInput.pathParam(ctx, "driver_id", Driver.ID);
    JsonObject body = ApiInput.object(ctx);
    String name = ApiInput.string(body, "name", 200);
    String phone = ApiInput.string(body, "phone_number", 16);
    if (!Driver.E164.matcher(phone).matches()) {
      throw Failure.invalid("'phone_number' must be an E.164 number such as +14155550123");
    }
    drivers
        .upsert(pool, driverId, name, phone)
        .onSuccess(
            saved ->
                Responses.json(
                    ctx.response().setStatusCode(saved.created() ? 201 : 200),
                    saved.driver().toJson()))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    drivers
        .list(pool)
        .onSuccess(
            list ->
                Responses.json(
                    ctx.response(),
                    new JsonObject()
                        .put("drivers", new JsonArray(list.stream().map(Driver::toJson).toList()))))
        .onFailure(ctx::fail);
  }
}
