package io.callstream.live;

import io.callstream.auth.TokenClaims;
import java.time.Instant;

/**
 * The token a socket lives on: who it belongs to and when it expires. At expiry the socket gets
 * TOKEN_EXPIRED and close code 4401; {@code {"auth": ...}} may extend it with a newer token of the
 * same user (never hand the socket to someone else). Event-loop confined.
 */
final class SocketToken {
  private final LiveSocket socket;
  private final String subject;
  private int generation;
  private long expiryTimer = -1;

  SocketToken(LiveSocket socket, TokenClaims claims) {
    this.socket = socket;
    this.subject = claims.subject();
    this.generation = claims.generation();
    schedule(claims.expiresAt());
  }

  String subject() {
    return subject;
  }

  /** The token generation of the token in force (a sign-out raises the user's). */
  int generation() {
    return generation;
  }

  /**
   * The user signed out or was disabled since the token was issued: TOKEN_EXPIRED (with the reason)
   * and close code 4401, as at expiry.
   */
  void revoke(String why) {
    if (expiryTimer < 0) {
      return;
    }
    socket.hub.metrics.authFailure("revoked");
    cancel();
    socket.send(Frames.error(Frames.TOKEN_EXPIRED, "session revoked: " + why, null));
    socket.close(LiveSocket.TOKEN_EXPIRED, "session revoked");
  }

  /**
   * A refresh; refused (with an error frame, the current token staying in force) unless valid and
   * the same user; a user disabled or signed out meanwhile gets TOKEN_EXPIRED and the socket is
   * closed.
   */
  void refresh(String token) {
    socket
        .hub
        .tokens
        .verify(token)
        .onComplete(
            ar -> {
              if (expiryTimer < 0) {
                return; // the socket closed meanwhile
              }
              if (ar.failed() || !ar.result().mayAct(TokenClaims.DISPATCHER)) {
                refuse("auth: token refused; the current token stays in force");
              } else if (!ar.result().subject().equals(subject)) {
                refuse("auth: token is for another user; the current token stays in force");
              } else {
                TokenClaims fresh = ar.result();
                socket
                    .hub
                    .revocations
                    .refusalNow(subject, fresh.generation())
                    .onSuccess(
                        why -> {
                          if (why != null) {
                            // signed out or disabled since the socket opened: the socket ends now
                            revoke(why);
                          } else if (expiryTimer >= 0) {
                            generation = fresh.generation();
                            schedule(fresh.expiresAt());
                          }
                        });
              }
            });
  }

  void cancel() {
    if (expiryTimer >= 0) {
      socket.hub.vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }

  private void refuse(String message) {
    socket.hub.metrics.authFailure("refresh");
    socket.send(Frames.error(Frames.INVALID_MESSAGE, message, null));
  }

  private void schedule(Instant expiresAt) {
    cancel();
    long delay = Math.max(1, expiresAt.toEpochMilli() - System.currentTimeMillis());
    expiryTimer =
        socket.hub.vertx.setTimer(
            delay,
            id -> {
              expiryTimer = -1;
              socket.send(
                  Frames.error(
                      Frames.TOKEN_EXPIRED, "token expired; reconnect with a new token", null));
              socket.close(LiveSocket.TOKEN_EXPIRED, "token expired");
            });
  }
}
