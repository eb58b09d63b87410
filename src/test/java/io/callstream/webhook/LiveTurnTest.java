package io.callstream.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callstream.failure.Failure;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/**
 * Timestamps of live turns: the fast UTC path agrees with the general ISO parser, and bad values
 * are 400.
 */
class LiveTurnTest {

  @Test
  void fastPathAgreesWithTheIsoParser() {
    for (String t :
        new String[] {
          "2026-11-21T11:19:07Z",
          "2000-02-29T23:59:59Z",
          "1970-01-01T00:00:00Z",
          "2026-12-31T00:00:01Z"
        }) {
      assertEquals(OffsetDateTime.parse(t).toInstant(), LiveTurnBody.utcSeconds(t), t);
      assertEquals(OffsetDateTime.parse(t).toInstant(), LiveTurnBody.timestamp(t), t);
    }
  }

  @Test
  void otherFormsTakeTheGeneralPath() {
    assertNull(LiveTurnBody.utcSeconds("2026-11-21T11:19:07.250Z"));
    assertEquals(
        Instant.parse("2026-11-21T11:19:07.250Z"),
        LiveTurnBody.timestamp("2026-11-21T11:19:07.250Z"));
    assertEquals(
        Instant.parse("2026-11-21T09:19:07Z"), LiveTurnBody.timestamp("2026-11-21T11:19:07+02:00"));
    assertEquals(Instant.ofEpochSecond(1_795_262_347L), LiveTurnBody.timestamp(1_795_262_347L));
    assertEquals(
        Instant.ofEpochSecond(1_795_262_347L, 500_000_000), LiveTurnBody.timestamp("1795262347.5"));
  }

  @Test
  void invalidTimestampsAre400() {
    for (Object bad :
        new Object[] {
          "2026-02-30T00:00:00Z",
          "2026-13-01T00:00:00Z",
          "2026-11-21T24:00:00Z",
          "2026-11-21T1a:00:00Z",
          "yesterday",
          "",
          -5,
          true
        }) {
      Failure e =
          assertThrows(Failure.class, () -> LiveTurnBody.timestamp(bad), String.valueOf(bad));
      assertEquals(Failure.Kind.INVALID, e.kind());
    }
  }
}
