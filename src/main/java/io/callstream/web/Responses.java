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

  /**
   * The one error body shape: {@code {"status":"error","code":"...","error":"..."}}, {@code code}
   * being one of {@link io.callstream.failure.ErrorCode} (machine-readable) and {@code error} the
   * human-readable reason.
   */
  public static JsonObject error(String code, String message) {
    return new JsonObject().put("status", "error").put("code", code).put("error", message);
  }

  public static JsonObject success() {
    return new JsonObject().put("status", "success");
  }
}
