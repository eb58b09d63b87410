package io.callstream.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dispatcher console: plain static files (ES modules + CSS, no build step) from the classpath
 * folder {@code webroot}, served by every node. {@code GET /} answers index.html and everything
 * else lives under {@code /console/}, so the console can never shadow an API path; an unknown file
 * falls through to the router's JSON 404. The files carry no secrets: the page logs in with POST
 * /auth/token like any other client.
 */
public final class ConsoleRoutes {
  public static final String PREFIX = "/console";
  static final String WEBROOT = "webroot";

  /**
   * The pages are small and their names carry no content hash, so browsers must revalidate
   * (Last-Modified, answered 304 when unchanged) rather than keep a stale app.js after a
   * deployment.
   */
  static final String CACHE_CONTROL = "no-cache";

  /**
   * Only our own scripts; the socket may be ws: or wss: depending on the load balancer; audio is a
   * blob: URL.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; media-src 'self'; connect-src 'self' ws: wss:; object-src 'none'; "
          + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  private final StaticHandler files =
      StaticHandler.create(WEBROOT)
          .setIndexPage("index.html")
          .setDirectoryListing(false)
          .setIncludeHidden(false)
          .setCachingEnabled(true)
          .setDefaultContentEncoding("UTF-8");

  public void addRoutes(Router router) {
    router.get("/").handler(ConsoleRoutes::headers).handler(files);
    router.get(PREFIX + "/*").handler(ConsoleRoutes::headers).handler(files);
  }

  private static void headers(RoutingContext ctx) {
    ctx.response()
        .headers()
        .set(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.next();
  }
}
