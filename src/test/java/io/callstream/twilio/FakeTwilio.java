package io.callstream.twilio;

import io.callstream.support.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Twilio REST API: {@code POST .../Calls/{CallSid}/Recordings.json} (basic auth checked,
 * recorded) and the recordings' media {@code GET .../Recordings/{RecordingSid}.mp3}, generated on
 * the fly (never held in memory), optionally failing the first requests or pausing half-way until
 * the test releases it.
 */
final class FakeTwilio {
  static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
  static final String AUTH_TOKEN = "twilio-test-auth-token";
  static final int CHUNK = 64 * 1024;
  private static final Pattern START =
      Pattern.compile("/2010-04-01/Accounts/([^/]+)/Calls/([^/]+)/Recordings\\.json");
  private static final Pattern MEDIA =
      Pattern.compile("/2010-04-01/Accounts/([^/]+)/Recordings/([^/.]+)\\.mp3");

  /** One start-recording request: the call, the form and whether its credentials were right. */
  record Start(String callSid, Map<String, String> form, boolean authorized) {}

  /** A recording's media: size, failures before success, and an optional pause half-way. */
  static final class Media {
    final long size;
    final AtomicInteger failuresLeft;
    final Promise<Void> resume;

    /** Completed when the body has been sent up to the pause. */
    final Promise<Void> halfway = Promise.promise();

    final AtomicInteger requests = new AtomicInteger();
    volatile String sha256;

    Media(long size, int failures, boolean pauseHalfway) {
      this.size = size;
      this.failuresLeft = new AtomicInteger(failures);
      this.resume = pauseHalfway ? Promise.promise() : null;
    }
  }

  private final Vertx vertx;
  final List<Start> starts = new CopyOnWriteArrayList<>();
  private final Map<String, Media> media = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private HttpServer server;

  FakeTwilio(Vertx vertx) {
    this.vertx = vertx;
  }

  FakeTwilio start() {
    server =
        Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void close() {
    Await.result(server.close());
  }

  /** The RecordingUrl Twilio would report for this recording (without {@code .mp3}). */
  String recordingUrl(String recordingSid) {
    return url() + "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Recordings/" + recordingSid;
  }

  Media media(String recordingSid, long size, int failures, boolean pauseHalfway) {
    Media m = new Media(size, failures, pauseHalfway);
    media.put(recordingSid, m);
    return m;
  }

  List<Start> startsOf(String callSid) {
    return starts.stream().filter(s -> s.callSid().equals(callSid)).toList();
  }

  private void handle(HttpServerRequest request) {
    Matcher start = START.matcher(request.path());
    Matcher get = MEDIA.matcher(request.path());
    boolean authorized =
        ("Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString((ACCOUNT_SID + ":" + AUTH_TOKEN).getBytes()))
            .equals(request.getHeader("Authorization"));
    if (request.method().name().equals("POST") && start.matches()) {
      request.setExpectMultipart(true);
      request
          .end()
          .onSuccess(
              v -> {
                Map<String, String> form = new ConcurrentHashMap<>();
                request.formAttributes().forEach(e -> form.put(e.getKey(), e.getValue()));
                starts.add(
                    new Start(
                        start.group(2), form, authorized && ACCOUNT_SID.equals(start.group(1))));
                String sid = "RE" + String.format("%032d", ids.incrementAndGet());
                request
                    .response()
                    .setStatusCode(authorized ? 201 : 401)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("sid", sid)
                            .put("call_sid", start.group(2))
                            .put("status", "in-progress")
                            .encode());
              });
    } else if (request.method().name().equals("GET")
        && get.matches()
        && media.containsKey(get.group(2))) {
      serve(request, media.get(get.group(2)), authorized);
    } else {
      request.response().setStatusCode(404).end("{\"code\":20404}");
    }
  }

  private void serve(HttpServerRequest request, Media m, boolean authorized) {
    m.requests.incrementAndGet();
    if (!authorized) {
      request.response().setStatusCode(401).end();
    } else if (m.failuresLeft.getAndDecrement() > 0) {
      request.response().setStatusCode(503).end("try later");
    } else {
      HttpServerResponse response =
          request
              .response()
              .putHeader("Content-Type", "audio/mpeg")
              .putHeader("Content-Length", String.valueOf(m.size));
      write(response, m, 0, sha256());
    }
  }

  /**
   * Deterministic bytes, chunk by chunk, respecting back-pressure; pauses at half until released.
   * One writer at a time: each drain handler is used once.
   */
  private void write(HttpServerResponse response, Media m, long offset, MessageDigest digest) {
    io.vertx.core.Context context = Vertx.currentContext();
    long position = offset;
    while (position < m.size) {
      if (m.resume != null && position >= m.size / 2 && !m.resume.future().isComplete()) {
        long at = position;
        m.halfway.tryComplete();
        m.resume
            .future()
            .onComplete(v -> context.runOnContext(x -> write(response, m, at, digest)));
        return;
      }
      if (response.writeQueueFull()) {
        long at = position;
        // one-shot: a drain handler stays registered, and a second drain (e.g. while paused at
        // half)
        // would start a second writer from an old position, sending bytes twice
        response.drainHandler(
            v -> {
              response.drainHandler(null);
              write(response, m, at, digest);
            });
        return;
      }
      int n = (int) Math.min(CHUNK, m.size - position);
      byte[] chunk = chunk(position / CHUNK, n);
      digest.update(chunk);
      response.write(Buffer.buffer(chunk));
      position += n;
    }
    m.sha256 = java.util.HexFormat.of().formatHex(digest.digest());
    response.end();
  }

  static byte[] chunk(long index, int n) {
    byte[] b = new byte[n];
    new Random(index).nextBytes(b);
    return b;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
