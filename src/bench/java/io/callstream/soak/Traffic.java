package io.callstream.soak;

import io.callstream.support.WebhookSigner;
import io.callstream.twilio.TwilioSignature;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dispatch floor's traffic, all through nginx (PUBLIC_BASE_URL): outbound calls started by the
 * API (the simulator then plays them back through the webhooks), inbound Twilio calls as Twilio's
 * signed callbacks, and ElevenLabs' signed post_call_audio for every completed outbound call. Every
 * call the soak started is remembered (call_sid) for the end checks. Requests are blocking
 * (java.net.http) on a small scheduler.
 */
final class Traffic {
  static final int DRIVERS = 40;
  static final int AUDIO_BYTES = 48 * 1024;

  private final String base;
  private final String webhookSecret;
  private final String twilioToken;
  private final Tokens tokens;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Random random = new Random(7);
  private final AtomicInteger nextDriver = new AtomicInteger();
  final Set<String> started = ConcurrentHashMap.newKeySet();
  final Set<String> inbound = ConcurrentHashMap.newKeySet();

  /** conversation_id -> size of the audio ElevenLabs delivered (200). */
  final Map<String, Integer> audio = new ConcurrentHashMap<>();

  final AtomicLong apiErrors = new AtomicLong();
  final AtomicLong twilioErrors = new AtomicLong();
  final AtomicLong audioErrors = new AtomicLong();
  final AtomicLong startRequests = new AtomicLong();

  /** The last refusal of each kind (evidence for the report). */
  final Map<String, String> lastRefusal = new ConcurrentHashMap<>();

  Traffic(String base, String webhookSecret, String twilioToken, Tokens tokens) {
    this.base = base;
    this.webhookSecret = webhookSecret;
    this.twilioToken = twilioToken;
    this.tokens = tokens;
  }

  /**
   * A call the soak started that has ended (its audio was delivered), at random; null before the
   * first.
   */
  String completedSid() {
    Object[] done = audio.keySet().toArray();
    return done.length == 0 ? null : (String) done[random.nextInt(done.length)];
  }

  static String driverId(int i) {
    return "soak_drv_" + i;
  }

  static String phone(int i) {
    return String.format("+1555020%04d", i);
  }

  void createDrivers() throws IOException, InterruptedException {
    for (int i = 0; i < DRIVERS; i++) {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(URI.create(base + "/drivers/" + driverId(i)))
                  .header("Authorization", "Bearer " + tokens.get())
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject()
                              .put("name", "Soak Driver " + i)
                              .put("phone_number", phone(i))
                              .encode())));
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException("PUT /drivers answered " + r.statusCode() + " " + r.body());
      }
    }
  }

  /** One outbound call through the API. */
  void startCall() {
    startRequests.incrementAndGet();
    String driver = driverId(nextDriver.getAndIncrement() % DRIVERS);
    JsonObject body =
        new JsonObject()
            .put("driver_ids", new JsonArray().add(driver))
            .put("violation_types", new JsonArray().add("speeding"));
    try {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(URI.create(base + "/driver_data/call-elevenlabs"))
                  .header("Authorization", "Bearer " + tokens.get())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
      if (r.statusCode() != 200) {
        apiErrors.incrementAndGet();
        lastRefusal.put("call-elevenlabs", r.statusCode() + " " + r.body());
        return;
      }
      for (Object o : new JsonObject(r.body()).getJsonArray("results")) {
        String sid = ((JsonObject) o).getString("call_sid");
        if (sid != null) {
          started.add(sid);
        }
      }
    } catch (IOException | RuntimeException e) {
      apiErrors.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One inbound call: voice webhook, then in-progress and completed status callbacks a few seconds
   * apart.
   */
  void inboundCall(ScheduledExecutorService scheduler) {
    String sid = "CA" + java.util.UUID.randomUUID().toString().replace("-", "");
    String from = phone(random.nextInt(DRIVERS));
    MultiMap voice =
        MultiMap.caseInsensitiveMultiMap()
            .add("AccountSid", Soak.TWILIO_ACCOUNT)
            .add("CallSid", sid)
            .add("From", from)
            .add("To", "+15557770000")
            .add("CallStatus", "ringing")
            .add("Direction", "inbound")
            .add("ApiVersion", "2010-04-01");
    if (!twilio("/twilio/voice/inbound", voice)) {
      return;
    }
    inbound.add(sid);
    scheduler.schedule(
        () -> twilio("/twilio/voice/status", status(sid, "in-progress", null)),
        1 + random.nextInt(2),
        TimeUnit.SECONDS);
    int duration = 3 + random.nextInt(5);
    scheduler.schedule(
        () -> twilio("/twilio/voice/status", status(sid, "completed", String.valueOf(duration))),
        duration + 2,
        TimeUnit.SECONDS);
  }

  private static MultiMap status(String sid, String status, String duration) {
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add("AccountSid", Soak.TWILIO_ACCOUNT)
            .add("CallSid", sid)
            .add("CallStatus", status)
            .add("Direction", "inbound");
    return duration == null ? form : form.add("CallDuration", duration);
  }

  /**
   * A signed Twilio callback, retried like Twilio (a few times on 5xx or no answer); true on 2xx.
   */
  boolean twilio(String path, MultiMap form) {
    StringBuilder encoded = new StringBuilder();
    form.forEach(
        e ->
            encoded
                .append(encoded.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)));
    // Twilio retries a callback only when its URL asks for it (connection overrides:
    // #rc=5&rp=5xx,ct,rt);
    // the docs tell operators to set that, so the soak's Twilio makes 1 + 5 attempts, as Twilio
    // then does
    for (int attempt = 0; attempt < 6; attempt++) {
      try {
        HttpResponse<String> r =
            send(
                HttpRequest.newBuilder(URI.create(base + path))
                    .header(
                        TwilioSignature.HEADER,
                        TwilioSignature.sign(twilioToken, base + path, form))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(encoded.toString())));
        if (r.statusCode() / 100 == 2) {
          return true;
        }
        lastRefusal.put("twilio " + path, r.statusCode() + " " + r.body());
        if (r.statusCode() < 500) {
          break;
        }
      } catch (IOException e) {
        lastRefusal.put("twilio " + path, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      sleepQuietly(1_000L << attempt);
    }
    twilioErrors.incrementAndGet();
    return false;
  }

  /**
   * ElevenLabs' post_call_audio for a completed conversation, signed, retried on 5xx like
   * ElevenLabs.
   */
  void postAudio(String conversationId) {
    byte[] mp3 = new byte[AUDIO_BYTES];
    new Random(conversationId.hashCode()).nextBytes(mp3);
    mp3[0] = 'I';
    mp3[1] = 'D';
    mp3[2] = '3';
    String body =
        new JsonObject()
            .put("type", "post_call_audio")
            .put("event_timestamp", Instant.now().getEpochSecond())
            .put(
                "data",
                new JsonObject()
                    .put("agent_id", Soak.AGENT_ID)
                    .put("conversation_id", conversationId)
                    .put("full_audio", Base64.getEncoder().encodeToString(mp3)))
            .encode();
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        HttpResponse<String> r =
            send(
                HttpRequest.newBuilder(URI.create(base + "/webhooks/elevenlabs/post-call"))
                    .header("ElevenLabs-Signature", WebhookSigner.sign(body, webhookSecret))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (r.statusCode() == 200) {
          audio.put(conversationId, AUDIO_BYTES);
          return;
        }
        if (r.statusCode() < 500) {
          break;
        }
      } catch (IOException e) {
        // retried
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      sleepQuietly(1_000L << attempt);
    }
    audioErrors.incrementAndGet();
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms); // a retry's back-off, as the real senders do; not a synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
