package io.callstream.driver;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.regex.Pattern;

/** One row of {@code drivers}: who callstream may call, and at which E.164 number. */
public record Driver(
    String driverId, String name, String phoneNumber, Instant createdAt, Instant updatedAt) {
  /**
   * Driver ids end up in call_sids ({@code EL_{driver_id}_{unix_seconds}}): plain characters only.
   */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{6,14}$");

  public JsonObject toJson() {
    return new JsonObject()
        .put("driver_id", driverId)
        .put("name", name)
        .put("phone_number", phoneNumber)
        .put("created_at", createdAt == null ? null : createdAt.toString())
        .put("updated_at", updatedAt == null ? null : updatedAt.toString());
  }
}
