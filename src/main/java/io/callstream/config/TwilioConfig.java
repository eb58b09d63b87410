package io.callstream.config;

import java.net.URI;

/**
 * Inbound calls over Twilio (package twilio); the routes answer 503 while {@code authToken} is
 * unset.
 */
public record TwilioConfig(
    String authToken,
    String accountSid,
    boolean recordCalls,
    URI apiUrl,
    URI publicBaseUrl,
    String inboundAgentId,
    int registerTimeoutMs) {
  public boolean enabled() {
    return authToken != null;
  }

  static TwilioConfig from(Settings s, URI publicBaseUrl) {
    TwilioConfig t =
        new TwilioConfig(
            s.optional("TWILIO_AUTH_TOKEN"),
            s.optional("TWILIO_ACCOUNT_SID"),
            s.bool("TWILIO_RECORD_CALLS", false),
            s.url("TWILIO_API_URL", "https://api.twilio.com"),
            publicBaseUrl,
            s.string("ELEVENLABS_INBOUND_AGENT_ID", s.optional("ELEVENLABS_AGENT_ID")),
            s.integer("TWILIO_REGISTER_TIMEOUT_MS", 5000, 100, 14_000));
    if (t.recordCalls() && (t.authToken() == null || t.accountSid() == null)) {
      throw new ConfigException(
          "TWILIO_RECORD_CALLS=true needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
    }
    return t;
  }

  @Override
  public String toString() {
    return "Twilio[authToken="
        + (authToken == null ? "unset" : "***")
        + ", recordCalls="
        + recordCalls
        + "]";
  }
}
