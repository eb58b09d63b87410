package io.callstream.live;

import io.callstream.support.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** Test tokens signed with the test SECRET_KEY (or another key), with any expiry. */
final class Jwts {
  private Jwts() {}

  static String dispatcher(Vertx vertx, long expiresInSeconds) {
    return sign(
        vertx,
        TestConfig.SECRET_KEY,
        new JsonObject()
            .put("sub", "dispatcher1")
            .put("role", "dispatcher")
            .put("exp", System.currentTimeMillis() / 1000 + expiresInSeconds));
  }

  static String dispatcher(Vertx vertx) {
    return dispatcher(vertx, 3600);
  }

  static String sign(Vertx vertx, String secret, JsonObject claims) {
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }
}
