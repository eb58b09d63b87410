package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstream.call.Call;
import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12, finding 4: a call whose end was committed but never announced on the bus (the
 * publishing node died after the commit) still ends for its subscribers: the live role's periodic
 * check reads it from PostgreSQL.
 */
class EndOfCallTest {
  @RegisterExtension
  static final ClusterExtension live =
      ClusterExtension.oneNode("endofcall").settings(Map.of("WS_PING_INTERVAL_SECONDS", "1"));

  @Test
  void anUnannouncedEndIsDeliveredFromTheDatabase() {
    Call call = CallFeed.newCall(live.node());
    TestSocket s =
        TestSocket.open(live.webSockets(), live.node().port(), Jwts.dispatcher(live.vertx()));
    s.subscribe(call.callSid(), 0);
    CallFeed.turn(live.node(), call, "hello");
    assertEquals(1, s.next("transcription").getInteger("sequence_number"));
    // a second turn and the end are committed, but nothing is published (the node died after the
    // commit)
    Await.result(CallFeed.store(live.node(), call, "goodbye"));
    TestDatabase.queryValue(
        live.schema(),
        "UPDATE calls SET status = 'completed', call_end_time = now(), updated_at = now() "
            + "WHERE id = "
            + call.id()
            + " RETURNING 1");
    JsonObject missed = s.next("transcription");
    assertEquals(
        2,
        missed.getInteger("sequence_number"),
        "the unannounced turn comes first, from the database");
    JsonObject status = s.next("call_status");
    assertEquals("completed", status.getString("status"));
    JsonObject completed = s.next("call_completed");
    assertEquals(2, completed.getJsonObject("call_data").getInteger("last_sequence_number"));
    assertEquals(call.callSid(), completed.getString("call_sid"));
  }
}
