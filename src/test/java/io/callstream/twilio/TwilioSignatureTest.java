package io.callstream.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * Twilio's request signature against the example in Twilio's own documentation and helper-library
 * snippets.
 */
class TwilioSignatureTest {
  static final String TOKEN = "12345";
  static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";

  /** Twilio's documented example (TwilioDevEd/api-snippets, security/signature_validation). */
  static MultiMap documented(String caller) {
    return MultiMap.caseInsensitiveMultiMap()
        .add("CallSid", "CA1234567890ABCDE")
        .add("Caller", caller)
        .add("Digits", "1234")
        .add("From", caller)
        .add("To", "+18005551212");
  }

  @Test
  void twiliosDocumentedExamplesVerify() {
    assertEquals(
        "GvWf1cFY/Q7PnoempGyD5oXAezc=",
        TwilioSignature.sign(TOKEN, URL, documented("+14158675310")));
    assertTrue(
        TwilioSignature.verify(
            TOKEN, URL, documented("+14158675310"), "GvWf1cFY/Q7PnoempGyD5oXAezc="));
    assertEquals(
        "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        TwilioSignature.sign(TOKEN, URL, documented("+14158675309")));
  }

  @Test
  void parameterOrderDoesNotMatterButEveryByteDoes() {
    MultiMap shuffled =
        MultiMap.caseInsensitiveMultiMap()
            .add("To", "+18005551212")
            .add("From", "+14158675310")
            .add("Digits", "1234")
            .add("Caller", "+14158675310")
            .add("CallSid", "CA1234567890ABCDE");
    String good = "GvWf1cFY/Q7PnoempGyD5oXAezc=";
    assertTrue(TwilioSignature.verify(TOKEN, URL, shuffled, good));
    assertFalse(
        TwilioSignature.verify(TOKEN, URL, documented("+14158675311"), good), "changed parameter");
    assertFalse(
        TwilioSignature.verify(TOKEN, URL, documented("+14158675310").add("Extra", "1"), good),
        "added one");
    assertFalse(
        TwilioSignature.verify(
            TOKEN, URL.replace("foo=1", "foo=2"), documented("+14158675310"), good),
        "URL");
    assertFalse(
        TwilioSignature.verify(
            TOKEN, URL.replace("https", "http"), documented("+14158675310"), good),
        "scheme");
    assertFalse(TwilioSignature.verify("12346", URL, documented("+14158675310"), good), "token");
    assertFalse(TwilioSignature.verify(TOKEN, URL, documented("+14158675310"), null), "missing");
    assertFalse(
        TwilioSignature.verify(
            TOKEN, URL, documented("+14158675310"), "GvWf1cFY/Q7PnoempGyD5oXAezd="));
  }

  @Test
  void thePublicBaseUrlReplacesSchemeAndHostBehindAProxy() {
    assertEquals(
        "https://calls.example.com/twilio/voice/inbound?x=1",
        TwilioSignature.publicUrl(
            URI.create("https://calls.example.com/"),
            "/twilio/voice/inbound?x=1",
            "http://10.0.0.5:8080/twilio/voice/inbound?x=1"));
    assertEquals(
        "https://example.com/cs/twilio/voice/status",
        TwilioSignature.publicUrl(
            URI.create("https://example.com/cs"),
            "/twilio/voice/status",
            "http://node:8080/twilio/voice/status"));
    assertEquals(
        "http://node:8080/twilio/voice/status",
        TwilioSignature.publicUrl(
            null, "/twilio/voice/status", "http://node:8080/twilio/voice/status"));
  }
}
