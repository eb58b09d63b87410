package io.callstream.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stream-first invariant: {@code <Connect><Stream>} first, never {@code <Record>}, no DTDs. */
class TwimlCheckTest {
  static final String STREAM =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <Response>
        <!-- ElevenLabs -->
        <Connect>
          <Stream url="wss://api.elevenlabs.io/v1/convai/conversation/twilio">
            <Parameter name="conversation_id" value="conv_1"/>
          </Stream>
        </Connect>
      </Response>""";

  static String reason(String twiml) {
    TwimlCheck.Verdict v = TwimlCheck.check(twiml);
    assertFalse(v.ok(), twiml);
    return v.reason();
  }

  @Test
  void elevenLabsStreamTwimlPasses() {
    assertTrue(TwimlCheck.check(STREAM).ok());
    assertTrue(
        TwimlCheck.check(
                "<Response><Connect><Stream url=\"wss://x/y\"/></Connect><Hangup/></Response>")
            .ok());
  }

  @Test
  void recordAnywhereIsRefused() {
    assertEquals("carries <Record>", reason(STREAM.replace("<Connect>", "<Record/><Connect>")));
    assertEquals(
        "carries <Record>",
        reason(STREAM.replace("</Connect>", "</Connect><Record maxLength=\"60\"/>")));
  }

  @Test
  void anyVerbBeforeTheStreamIsRefused() {
    assertEquals(
        "<Say> before <Connect><Stream>",
        reason(STREAM.replace("<Connect>", "<Say>Hi</Say><Connect>")));
    assertEquals(
        "<Pause> before <Connect><Stream>",
        reason("<Response><Pause/><Connect><Stream url=\"wss://x\"/>" + "</Connect></Response>"));
    assertEquals(
        "<Connect> does not start with <Stream>",
        reason("<Response><Connect><Conversation/><Stream url=\"wss://x\"/></Connect></Response>"));
    assertEquals(
        "<Stream> has no url", reason("<Response><Connect><Stream/></Connect></Response>"));
    assertEquals("<Response> has no verb", reason("<Response> </Response>"));
    assertEquals("root element is <Reply>, not <Response>", reason("<Reply><Connect/></Reply>"));
    assertEquals(TwimlCheck.Verdict.class, TwimlCheck.check(TwimlCheck.FALLBACK).getClass());
    assertEquals("<Say> before <Connect><Stream>", reason(TwimlCheck.FALLBACK));
  }

  @Test
  void malformedHugeOrDtdCarryingInputIsRefusedWithoutFetchingAnything() {
    assertTrue(reason("<Response><Connect>").startsWith("not well-formed XML"));
    assertTrue(reason("{\"twiml\":1}").startsWith("not well-formed XML"));
    assertEquals("empty TwiML", reason(" "));
    assertTrue(
        reason(
                "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Response><Say>&x;</Say></Response>")
            .contains("DOCTYPE"));
    assertTrue(
        reason(
                "<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><Response>&b;</Response>")
            .startsWith("not well-formed XML"));
    assertEquals(
        "TwiML larger than " + TwimlCheck.MAX_BYTES + " bytes",
        reason("<Response>" + "<Pause/>".repeat(TwimlCheck.MAX_BYTES / 8) + "</Response>"));
  }
}
