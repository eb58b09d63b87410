package io.callstream.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callstream.failure.Failure;
import io.callstream.signature.ElevenLabsSignature;
import io.callstream.support.WebhookSigner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {
  static final String SECRET = "whsec_test_secret";
  static final long NOW = 1_700_000_000L;
  static final byte[] PING = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
  static final String VECTOR =
      "t=1700000000,v0=285bd17edcfe07d7c1799aa88331540be6730f0682a6ca1b715671d4b688991b";

  private final SignatureVerifier verifier =
      new SignatureVerifier(SECRET, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  private static String reason(Runnable r) {
    Failure e = assertThrows(Failure.class, r::run);
    assertEquals(Failure.Kind.UNAUTHENTICATED, e.kind());
    return e.getMessage();
  }

  @Test
  void elevenLabsTestVector() {
    assertEquals(15, PING.length);
    assertEquals(VECTOR, ElevenLabsSignature.sign(SECRET, NOW, PING));
    assertDoesNotThrow(() -> verifier.verify(VECTOR, PING));
  }

  @Test
  void theTestsStreamingSignerAgrees() throws Exception {
    assertEquals(VECTOR, WebhookSigner.sign(new ByteArrayInputStream(PING), SECRET, NOW));
  }

  @Test
  void chunkedUpdateEqualsWholeBody() {
    SignatureVerifier.Incremental check = verifier.start(VECTOR);
    check.update(PING, 0, 5);
    check.update(PING, 5, PING.length - 5);
    assertDoesNotThrow(check::finish);
  }

  @Test
  void tamperedBodyOrWrongSecretIsRefused() {
    byte[] tampered = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals("signature does not match", reason(() -> verifier.verify(VECTOR, tampered)));
    String other = ElevenLabsSignature.sign("whsec_other", NOW, PING);
    assertEquals("signature does not match", reason(() -> verifier.verify(other, PING)));
  }

  @Test
  void timestampWindow() {
    String old = ElevenLabsSignature.sign(SECRET, NOW - 31 * 60, PING);
    assertEquals("signature timestamp too old", reason(() -> verifier.verify(old, PING)));
    String future = ElevenLabsSignature.sign(SECRET, NOW + 10 * 60, PING);
    assertEquals("signature timestamp in the future", reason(() -> verifier.verify(future, PING)));
    assertDoesNotThrow(
        () -> verifier.verify(ElevenLabsSignature.sign(SECRET, NOW - 29 * 60, PING), PING));
    assertDoesNotThrow(
        () -> verifier.verify(ElevenLabsSignature.sign(SECRET, NOW + 4 * 60, PING), PING));
  }

  @Test
  void missingOrMalformedHeader() {
    assertEquals("missing ElevenLabs-Signature header", reason(() -> verifier.verify(null, PING)));
    assertEquals("missing ElevenLabs-Signature header", reason(() -> verifier.verify("", PING)));
    for (String bad :
        new String[] {
          "garbage",
          "t=1700000000",
          "v0=285bd17edcfe07d7c1799aa88331540be6730f0682a6ca1b715671d4b688991b",
          "t=abc,v0=285bd17edcfe07d7c1799aa88331540be6730f0682a6ca1b715671d4b688991b",
          "t=1700000000,v0=xyz",
          "t=1700000000,v0=285bd17e"
        }) {
      assertEquals(
          "malformed ElevenLabs-Signature header", reason(() -> verifier.verify(bad, PING)), bad);
    }
  }

  @Test
  void uppercaseHexIsAccepted() {
    String upper =
        "t=1700000000,v0=" + VECTOR.substring(VECTOR.indexOf("v0=") + 3).toUpperCase(Locale.ROOT);
    assertDoesNotThrow(() -> verifier.verify(upper, PING));
  }

  @Test
  void extraPartsAreTolerated() {
    assertDoesNotThrow(() -> verifier.verify(VECTOR + ",v1=abc,foo=bar", PING));
    assertDoesNotThrow(() -> verifier.verify("x=1," + VECTOR, PING));
    String wrongFirst =
        "t=1700000000,v0=" + "0".repeat(64) + "," + VECTOR.substring(VECTOR.indexOf("v0="));
    assertDoesNotThrow(() -> verifier.verify(wrongFirst, PING));
  }
}
