package io.callstream.insights;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.db.DatabaseErrors;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * {@code GET /insights?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=Area/City}: the fleet's calls over a range
 * of days (dispatchers and admins, like GET /calls). 400 for a malformed date or zone, a range
 * whose start is after its end, or one longer than {@link InsightsRange#MAX_DAYS} days. The route
 * handler does not block: the report is a few statements on one pooled connection.
 */
public final class InsightsRoutes {
  /** invalid_parameter_value: PostgreSQL's answer to an unknown time zone. */
  private static final String INVALID_PARAMETER = "22023";

  private final Pool pool;
  private final AuthHandler auth;
  private final Clock clock;
  private final InsightsQueries queries = new InsightsQueries();

  public InsightsRoutes(Pool pool, AuthHandler auth, Clock clock) {
    this.pool = pool;
    this.auth = auth;
    this.clock = clock;
  }

  public void addRoutes(Router router) {
    router.get("/insights").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::report);
  }

  private void report(RoutingContext ctx) {
    InsightsRange range =
        InsightsRange.parse(
            ctx.queryParams().get("from"),
            ctx.queryParams().get("to"),
            ctx.queryParams().get("tz"),
            clock);
    queries
        .report(pool, range)
        .recover(InsightsRoutes::unknownZone)
        .onSuccess(report -> Responses.json(ctx.response(), report.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * A zone Java knows and PostgreSQL does not (their time zone data differ in version): SQLSTATE
   * 22023, "time zone not recognized".
   */
  static Future<Report> unknownZone(Throwable t) {
    return Future.failedFuture(
        INVALID_PARAMETER.equals(DatabaseErrors.sqlState(t))
            ? Failure.invalid("'tz' names a time zone the database does not know")
            : t);
  }
}
