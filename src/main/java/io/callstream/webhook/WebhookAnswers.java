package io.callstream.webhook;

import io.callstream.web.AccessLog;
import io.callstream.web.ClientAddress;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The one place where a webhook's {@link WebhookOutcome} becomes its HTTP answer and is recorded:
 * an {@link WebhookOutcome.Answered} is written as 200 JSON, a {@link WebhookOutcome.Parked} or
 * {@link WebhookOutcome.Refused} goes to the router's failure handler (the one writer of error
 * bodies) with Retry-After when the sender should come back later and Connection: close when the
 * body was not read to its end; once the answer has ended, {@link WebhookMetrics} records the
 * outcome with the status sent.
 */
final class WebhookAnswers {
  /**
   * Seconds a refused webhook is told to wait (Retry-After) on every retryable 503 of the webhook
   * role.
   */
  static final String RETRY_AFTER_SECONDS = "10";

  private final WebhookMetrics metrics;
  private final ClientAddress clients;

  WebhookAnswers(WebhookMetrics metrics, ClientAddress clients) {
    this.metrics = metrics;
    this.clients = clients;
  }

  /**
   * A route handler for one endpoint: {@code handler} reads, verifies and stores a delivery and
   * returns its outcome (a failed future is a refusal of a delivery not read yet).
   */
  Handler<RoutingContext> route(
      String endpoint, Function<HttpServerRequest, Future<WebhookOutcome>> handler) {
    return ctx -> {
      long start = System.nanoTime();
      ctx.put(
          AccessLog.LOGGED_ELSEWHERE,
          Boolean.TRUE); // the webhook line is this request's access line
      Future<WebhookOutcome> outcome;
      try {
        outcome = handler.apply(ctx.request());
      } catch (RuntimeException e) {
        outcome = Future.failedFuture(e);
      }
      outcome
          .recover(
              e ->
                  Future.succeededFuture(
                      new WebhookOutcome.Refused(WebhookOutcome.Delivery.UNREAD, e)))
          .onSuccess(o -> answer(ctx, endpoint, o, start));
    };
  }

  private void answer(RoutingContext ctx, String endpoint, WebhookOutcome outcome, long start) {
    Runnable record =
        () ->
            metrics.record(
                endpoint,
                outcome,
                ctx.response().getStatusCode(),
                System.nanoTime() - start,
                ctx.response().bytesWritten(),
                clients.of(ctx.request()));
    if (ctx.response().closed()) {
      record.run(); // the sender went away first: no end of the answer to wait for
    } else {
      ctx.addEndHandler(v -> record.run());
    }
    if (outcome instanceof WebhookOutcome.Answered a) {
      Responses.json(ctx.response(), a.answer());
    } else if (outcome instanceof WebhookOutcome.Parked p) {
      ctx.fail(p.failure());
    } else if (outcome instanceof WebhookOutcome.Refused r) {
      if (!ctx.request().isEnded()) {
        ctx.response()
            .putHeader("Connection", "close"); // the unread rest of the body is not wanted
      }
      if (r.retryable()) {
        ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
      }
      ctx.fail(r.failure());
    }
  }
}
