package io.callstream.call;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.driver.Driver;
import io.callstream.failure.Failure;
import io.callstream.web.ApiInput;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Listing and searching calls (docs/search.md): {@code GET /calls} (a page of JSON, paged with
 * {@code before}) and {@code GET /calls.csv} (the same filters, every matching call up to {@link
 * #EXPORT_MAX_ROWS}, streamed page by page).
 */
public final class CallListRoutes {
  private static final Logger LOG = Logger.getLogger(CallListRoutes.class.getName());
  static final int MAX_QUERY = 200;
  static final int MAX_VIOLATION = 200;

  /** The most rows one CSV export holds (the newest); narrow the filters for older calls. */
  public static final int EXPORT_MAX_ROWS = 10_000;

  /** Rows read per statement while exporting: memory stays bounded by one page. */
  static final int EXPORT_PAGE = 500;

  private static final Set<String> STATUSES =
      Set.of(Call.INITIATED, Call.IN_PROGRESS, Call.COMPLETED, Call.FAILED);
  private static final Set<String> DIRECTIONS = Set.of("inbound", "outbound");

  private final Pool pool;
  private final AuthHandler auth;
  private final CallRepository calls = new CallRepository();
  private final CallSearch search = new CallSearch();

  public CallListRoutes(Pool pool, AuthHandler auth) {
    this.pool = pool;
    this.auth = auth;
  }

  public void addRoutes(Router router) {
    router.get("/calls").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::list);
    router.get("/calls.csv").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::csv);
  }

  private void list(RoutingContext ctx) {
    CallSearch.Filter filter = filter(ctx);
    int limit = ApiInput.intParam(ctx, "limit", 50, 1, 500);
    cursor(ctx.queryParams().get("before"))
        .compose(before -> search.search(pool, filter, before, limit))
        .onSuccess(
            page -> {
              JsonArray rows = new JsonArray();
              page.forEach(found -> rows.add(json(found)));
              Responses.json(
                  ctx.response(),
                  new JsonObject()
                      .put("calls", rows)
                      .put(
                          "next_before",
                          page.size() == limit
                              ? page.get(page.size() - 1).call().callSid()
                              : null));
            })
        .onFailure(ctx::fail);
  }

  static JsonObject json(CallSearch.Found found) {
    JsonObject call = found.call().toJson().put("driver_name", found.driverName());
    return found.match() == null ? call : call.put("match", found.match().toJson());
  }

  /** The list's filters from the query string; 400 naming the first bad one. */
  static CallSearch.Filter filter(RoutingContext ctx) {
    var params = ctx.queryParams();
    String status = params.get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw Failure.invalid("'status' must be one of initiated, in_progress, completed, failed");
    }
    String driverId = params.get("driver_id");
    if (driverId != null && !Driver.ID.matcher(driverId).matches()) {
      throw Failure.invalid("'driver_id' is not a valid driver id");
    }
    String direction = params.get("direction");
    if (direction != null && !DIRECTIONS.contains(direction)) {
      throw Failure.invalid("'direction' must be inbound or outbound");
    }
    String violation = optional(params.get("violation_type"), "violation_type", MAX_VIOLATION);
    String q = optional(params.get("q"), "q", MAX_QUERY);
    OffsetDateTime from = ApiInput.time(ctx, "from", false);
    OffsetDateTime to = ApiInput.time(ctx, "to", true);
    if (from != null && to != null && !from.isBefore(to)) {
      throw Failure.invalid("'from' must be before 'to'");
    }
    return new CallSearch.Filter(
        status,
        driverId,
        from,
        to,
        ApiInput.bool(ctx, "successful"),
        ApiInput.bool(ctx, "needs_attention"),
        direction,
        violation,
        q);
  }

  /** A trimmed text parameter of at most max characters; null when absent or blank. */
  private static String optional(String value, String name, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > max) {
      throw Failure.invalid("'" + name + "' is longer than " + max + " characters");
    }
    return value.trim();
  }

  /**
   * {@code before}: an ISO-8601 timestamp (calls created strictly earlier) or a call identifier
   * (calls after it).
   */
  private Future<CallSearch.Cursor> cursor(String before) {
    if (before == null || before.isEmpty()) {
      return Future.succeededFuture(null);
    }
    if (before.length() > CallRoutes.MAX_IDENTIFIER) {
      return Future.failedFuture(Failure.invalid("'before' is too long"));
    }
    if (Character.isDigit(before.charAt(0))) {
      try {
        return Future.succeededFuture(new CallSearch.Cursor(OffsetDateTime.parse(before), 0));
      } catch (DateTimeParseException e) {
        return Future.failedFuture(
            Failure.invalid(
                "'before' must be an ISO-8601 timestamp with offset (2025-01-31T12:00:00Z) or a call identifier"));
      }
    }
    return calls
        .findByIdentifier(pool, before)
        .map(
            call ->
                call.map(CallListRoutes::after)
                    .orElseThrow(() -> Failure.invalid("'before' names no known call")));
  }

  private static CallSearch.Cursor after(Call c) {
    return new CallSearch.Cursor(c.createdAt().atOffset(ZoneOffset.UTC), c.id());
  }

  /**
   * The export: the first page is read before anything is sent, so bad filters and an unavailable
   * database are ordinary error answers; later pages are read only once the client has taken the
   * previous ones (write queue drained). A failure after the first bytes cuts the connection, so
   * the client sees an incomplete download rather than a short file that looks whole.
   */
  private void csv(RoutingContext ctx) {
    CallSearch.Filter filter = filter(ctx);
    HttpServerResponse response = ctx.response();
    search
        .search(pool, filter, null, EXPORT_PAGE)
        .onSuccess(
            first -> {
              String name =
                  "calls-"
                      + Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "")
                      + ".csv";
              response
                  .setChunked(true)
                  .putHeader("Content-Type", "text/csv; charset=utf-8")
                  .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
                  .putHeader("Cache-Control", "private, no-store")
                  .putHeader("X-Export-Row-Limit", Integer.toString(EXPORT_MAX_ROWS))
                  .write(CallsCsv.header());
              export(response, filter, first, 0);
            })
        .onFailure(ctx::fail);
  }

  private void export(
      HttpServerResponse response,
      CallSearch.Filter filter,
      List<CallSearch.Found> page,
      int sent) {
    StringBuilder chunk = new StringBuilder();
    int rows = Math.min(page.size(), EXPORT_MAX_ROWS - sent);
    for (int i = 0; i < rows; i++) {
      chunk.append(CallsCsv.line(page.get(i)));
    }
    int total = sent + rows;
    response.write(Buffer.buffer(chunk.toString()));
    if (page.size() < EXPORT_PAGE || total >= EXPORT_MAX_ROWS) {
      response.end();
      return;
    }
    CallSearch.Cursor next = after(page.get(page.size() - 1).call());
    writable(response)
        .compose(
            v -> search.search(pool, filter, next, Math.min(EXPORT_PAGE, EXPORT_MAX_ROWS - total)))
        .onSuccess(more -> export(response, filter, more, total))
        .onFailure(
            e -> {
              LOG.warning("CSV export stopped after " + total + " rows: " + e.getMessage());
              response.reset();
            });
  }

  /** Completes once the response may take more (at once unless its write queue is full). */
  private static Future<Void> writable(HttpServerResponse response) {
    if (response.closed()) {
      return Future.failedFuture("the client went away");
    }
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> ready = Promise.promise();
    response.drainHandler(v -> ready.tryComplete());
    response.closeHandler(v -> ready.tryFail("the client went away"));
    return ready.future();
  }
}
