package io.callstream.call;

import io.callstream.auth.AuthHandler;
import io.callstream.auth.TokenClaims;
import io.callstream.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /calls/{id}/audio} (dispatcher): the call's stored MP3 — {@code AUDIO_DIR/<conversation_id>.mp3} from
 * ElevenLabs' post_call_audio, or {@code AUDIO_DIR/<call_sid>.mp3} from a Twilio recording — streamed from disk
 * with HTTP range support (a player seeks with {@code Range: bytes=a-b}; 206 with Content-Range, 416 when the range
 * lies beyond the file). 404 when the call has no stored recording.
 */
public final class CallAudioRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private final Vertx vertx;
  private final Pool pool;
  private final Path audioDir;
  private final AuthHandler auth;
  private final CallRepository calls = new CallRepository();

  public CallAudioRoutes(Vertx vertx, Pool pool, Path audioDir, AuthHandler auth) {
    this.vertx = vertx;
    this.pool = pool;
    this.audioDir = audioDir;
    this.auth = auth;
  }

  public void addRoutes(Router router) {
    router.get("/calls/:id/audio").handler(auth.require(TokenClaims.DISPATCHER)).handler(this::audio);
  }

  private void audio(RoutingContext ctx) {
    CallRoutes.byPathId(calls, pool, ctx)
        .compose(this::locate)
        .compose(file -> send(ctx, file))
        .onFailure(ctx::fail);
  }

  /** The first stored file of the call: by conversation id, else by call_sid. */
  private Future<Path> locate(Call call) {
    if (audioDir == null) {
      return Future.failedFuture(Failure.notFound("recordings are not stored on this service (AUDIO_DIR unset)"));
    }
    return exists(call.conversationId())
        .compose(found -> found != null ? Future.succeededFuture(found) : exists(call.callSid()))
        .compose(found -> found != null ? Future.succeededFuture(found)
            : Future.failedFuture(Failure.notFound("no recording stored for call " + call.callSid())));
  }

  private Future<Path> exists(String name) {
    if (name == null || !BackfillRoutes.CONVERSATION_ID.matcher(name).matches()) {
      return Future.succeededFuture(null);
    }
    Path file = audioDir.resolve(name + ".mp3");
    return vertx.fileSystem().exists(file.toString()).map(yes -> yes ? file : null);
  }

  private Future<Void> send(RoutingContext ctx, Path file) {
    return vertx.fileSystem().props(file.toString()).compose(props -> {
      long size = props.size();
      var response = ctx.response().putHeader("Content-Type", "audio/mpeg").putHeader("Accept-Ranges", "bytes")
          .putHeader("Cache-Control", "private, no-store");
      String range = ctx.request().getHeader("Range");
      if (range == null) {
        return response.sendFile(file.toString());
      }
      long[] span = span(range, size);
      if (span == null) {
        return response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
      }
      return response.setStatusCode(206)
          .putHeader("Content-Range", "bytes " + span[0] + "-" + (span[0] + span[1] - 1) + "/" + size)
          .sendFile(file.toString(), span[0], span[1]);
    });
  }

  /** {offset, length} of a single {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} range; null if unsatisfiable. */
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
