package io.callstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstream.support.Await;
import io.callstream.support.ClusterExtension;
import io.callstream.support.TestConfig;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A socket stays its user's (a refresh with another user's token is refused); sockets per user are
 * capped.
 */
class SocketLimitsTest {
  @RegisterExtension
  static final ClusterExtension live =
      ClusterExtension.oneNode("wslimits")
          // two instances: the cap must hold across them, not per instance
          .settings(Map.of("WS_MAX_SOCKETS_PER_USER", "2", "HTTP_INSTANCES", "2"));

  static String token(String user, long seconds) {
    return Jwts.sign(
        live.vertx(),
        TestConfig.SECRET_KEY,
        new JsonObject()
            .put("sub", user)
            .put("role", "dispatcher")
            .put("exp", System.currentTimeMillis() / 1000 + seconds));
  }

  @Test
  void aRefreshMustBeForTheSameUser() {
    TestSocket socket = TestSocket.open(live.webSockets(), live.node().port(), token("hank", 3));
    socket.send(new JsonObject().put("auth", token("ivy", 3600)));
    JsonObject refused = socket.next("error");
    assertEquals("INVALID_MESSAGE", refused.getString("code"));
    assertTrue(refused.getString("message").contains("another user"), refused.encode());
    // hank's own token still rules: the socket ends when it expires
    assertEquals("TOKEN_EXPIRED", socket.next("error").getString("code"));
    assertEquals((short) 4401, socket.awaitClose());
  }

  @Test
  void aRefreshForTheSameUserExtendsTheSocket() {
    TestSocket socket = TestSocket.open(live.webSockets(), live.node().port(), token("judy", 3));
    socket.send(new JsonObject().put("auth", token("judy", 3600)));
    socket.send("{\"subscribe\":\"not a valid id!\"}");
    // the first frame after the refresh is the answer to the next message, not an error about the
    // refresh
    assertEquals("INVALID_IDENTIFIER", socket.next("error").getString("code"));
    socket.close();
  }

  @Test
  void socketsPerUserAreCappedOnTheNode() {
    String karl = token("karl", 3600);
    List<TestSocket> open = new ArrayList<>();
    open.add(TestSocket.open(live.webSockets(), live.node().port(), karl));
    open.add(TestSocket.open(live.webSockets(), live.node().port(), karl));
    Throwable refused =
        Await.failure(TestSocket.connect(live.webSockets(), live.node().port(), karl));
    assertEquals(429, assertInstanceOf(UpgradeRejectedException.class, refused).getStatus());
    // another user is not affected
    TestSocket other = TestSocket.open(live.webSockets(), live.node().port(), token("lena", 3600));
    other.close();
    // a closed socket gives its place back
    open.get(0).close();
    open.get(0).awaitClose();
    TestSocket again = reconnect(karl);
    again.close();
    open.get(1).close();
  }

  /**
   * The server frees the place when it sees the close, a moment after the client does: retry until
   * then.
   */
  private static TestSocket reconnect(String token) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (true) {
      try {
        return TestSocket.open(live.webSockets(), live.node().port(), token);
      } catch (UpgradeRejectedException e) {
        if (e.getStatus() != 429 || System.currentTimeMillis() > deadline) {
          throw e;
        }
      }
    }
  }
}
