package io.callstream.call;

import io.callstream.audio.AudioStore;
import io.callstream.audio.StoredAudio;
import io.callstream.auth.AudioLinks;
import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.failure.Failure;
import io.callstream.web.Responses;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /calls/{id}/audio} (dispatcher): the call's stored recording, from the audio store
 * every node reads (PostgreSQL or S3, docs/recordings.md) — the one stored under its conversation
 * id (ElevenLabs' post_call_audio), else under its call sid (a Twilio recording) — with HTTP range
 * support (a player seeks with {@code Range: bytes=a-b}; 206 with Content-Range, 416 when the range
 * lies beyond the recording). 404 when the call has no stored recording. Streamed a chunk at a
 * time, each written before the next is read. {@code POST /calls/{id}/audio/link} (dispatcher)
 * answers a short-lived signed URL of it ({@link AudioLinks}) for clients that cannot send a
 * header.
 */
public final class CallAudioRoutes {
  private static final Logger LOG = Logger.getLogger(CallAudioRoutes.class.getName());

  /** The query parameter of a signed link (kept out of every log: docs/sessions.md). */
  public static final String SIGNATURE = "sig";

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private final Pool pool;
  private final AudioStore store;
  private final AuthHandler auth;
  private final AudioLinks links;
  private final CallRepository calls = new CallRepository();

  public CallAudioRoutes(Pool pool, AudioStore store, AuthHandler auth, AudioLinks links) {
    this.pool = pool;
    this.store = store;
    this.auth = auth;
    this.links = links;
  }

  public void addRoutes(Router router) {
    router.get("/calls/:id/audio").handler(this::authorise).handler(this::audio);
    router
        .post("/calls/:id/audio/link")
        .handler(auth.require(TokenClaims.DISPATCHER))
        .handler(this::link);
  }

  /**
   * A signed link ({@code ?sig=}, no header needed: an {@code <audio>} element's own requests),
   * else the dispatcher's bearer token.
   */
  private void authorise(RoutingContext ctx) {
    String sig = ctx.request().getParam(SIGNATURE);
    if (sig == null) {
      auth.require(TokenClaims.DISPATCHER).handle(ctx);
      return;
    }
    links.verify(sig, ctx.pathParam("id")).onSuccess(v -> ctx.next()).onFailure(ctx::fail);
  }

  /**
   * {@code POST /calls/{id}/audio/link}: a URL of this call's recording that works without a header
   * until it expires; 404 when there is no recording.
   */
  private void link(RoutingContext ctx) {
    TokenClaims claims = ctx.get(AuthHandler.CLAIMS);
    CallRoutes.byPathId(calls, pool, ctx)
        .compose(call -> locate(call).map(audio -> call))
        .onSuccess(
            call ->
                Responses.json(
                    ctx.response().putHeader("Cache-Control", "no-store"),
                    new JsonObject()
                        .put(
                            "url",
                            "/calls/"
                                + URLEncoder.encode(call.callSid(), StandardCharsets.UTF_8)
                                + "/audio?"
                                + SIGNATURE
                                + "="
                                + links.sign(claims, call.callSid()))
                        .put("expires_in", links.ttlSeconds())
                        .put("expires_at", links.expiresAt().toString())))
        .onFailure(ctx::fail);
  }

  private void audio(RoutingContext ctx) {
    CallRoutes.byPathId(calls, pool, ctx)
        .compose(this::locate)
        .onSuccess(audio -> send(ctx, audio))
        .onFailure(ctx::fail);
  }

  /** The recording stored under the call's conversation id, else under its call sid. */
  private Future<StoredAudio> locate(Call call) {
    List<String> keys = new ArrayList<>();
    for (String key : new String[] {call.conversationId(), call.callSid()}) {
      if (key != null && BackfillRoutes.CONVERSATION_ID.matcher(key).matches()) {
        keys.add(key);
      }
    }
    return store
        .find(keys)
        .compose(
            found ->
                found != null
                    ? Future.succeededFuture(found)
                    : Future.failedFuture(
                        Failure.notFound("no recording stored for call " + call.callSid())));
  }

  private void send(RoutingContext ctx, StoredAudio audio) {
    long size = audio.size();
    HttpServerResponse response =
        ctx.response()
            .putHeader("Content-Type", audio.contentType())
            .putHeader("Accept-Ranges", "bytes")
            .putHeader("Cache-Control", "private, no-store")
            .putHeader("ETag", "\"" + audio.sha256() + "\"");
    String range = ctx.request().getHeader("Range");
    long[] span = range == null ? new long[] {0, size} : span(range, size);
    if (span == null) {
      response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
      return;
    }
    if (range != null) {
      response
          .setStatusCode(206)
          .putHeader(
              "Content-Range", "bytes " + span[0] + "-" + (span[0] + span[1] - 1) + "/" + size);
    }
    response.putHeader("Content-Length", Long.toString(span[1]));
    if (ctx.request().method() == HttpMethod.HEAD) {
      response.end();
      return;
    }
    store
        .read(audio, span[0], span[1], response)
        .compose(v -> response.end())
        .onFailure(
            e -> {
              // the status line is gone: all that is left is to cut the connection, so the client
              // sees a short body
              LOG.warning("recording " + audio.id() + " could not be sent: " + e.getMessage());
              response.reset();
            });
  }

  /**
   * {offset, length} of a single {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} range;
   * null if unsatisfiable.
   */
  static long[] span(String header, long size) {
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty()) || size == 0) {
      return null;
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Math.min(Long.parseLong(m.group(2)), size);
        return suffix == 0 ? null : new long[] {size - suffix, suffix};
      }
      long start = Long.parseLong(m.group(1));
      long end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
      return start >= size || end < start ? null : new long[] {start, end - start + 1};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
