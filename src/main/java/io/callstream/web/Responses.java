package io.callstream.web;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Writing JSON answers. */
public final class Responses {
  private Responses() {}

  public static Future<Void> json(HttpServerResponse response, JsonObject body) {
    return response.putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  public static Future<Void> json(HttpServerResponse response, JsonArray body) {
    return response.putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  public static JsonObject success() {
    return new JsonObject().put("status", "success");
  }
}
