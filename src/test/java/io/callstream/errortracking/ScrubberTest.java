package io.callstream.errortracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What each scrubbing rule leaves of a message. */
class ScrubberTest {
  @Test
  void tokensAndSecretsAreRedacted() {
    assertEquals(
        "upgrade /ws/calls?token=[redacted]&since=3 refused",
        Scrubber.text("upgrade /ws/calls?token=abc.def-ghi&since=3 refused"));
    assertEquals(
        "bad [jwt] here", Scrubber.text("bad eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln here"));
    assertEquals("Authorization: Bearer [redacted]", Scrubber.text("Authorization: Bearer s3cr3t"));
    assertEquals(
        "api_key=[redacted] secret=[redacted]", Scrubber.text("api_key=xi-123 secret=whsec_1"));
  }

  @Test
  void userTextIsRedacted() {
    assertEquals(
        "Unrecognized token '[redacted]': was expecting JSON",
        Scrubber.text("Unrecognized token 'hello': was expecting JSON"));
    assertEquals(
        "{\"[redacted]\":\"[redacted]\"}", Scrubber.text("{\"message_text\":\"my card is 4242\"}"));
    assertEquals(
        "LiveTurn[speaker=user, message=[redacted], sequence=3]",
        Scrubber.text("LiveTurn[speaker=user, message=I live at 1 Main St, London, sequence=3]"));
    assertEquals("driver [phone] unreachable", Scrubber.text("driver +447700900123 unreachable"));
  }

  @Test
  void harmlessMessagesAndRoutesStay() {
    assertEquals(
        "Connection refused: /127.0.0.1:5432",
        Scrubber.text("Connection refused: /127.0.0.1:5432"));
    assertEquals("/calls/:id", Scrubber.route("/calls/:id?token=abc"));
    assertEquals("unmatched", Scrubber.route(null));
  }
}
