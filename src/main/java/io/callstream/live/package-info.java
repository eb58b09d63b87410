/**
 * The live role: the WebSocket endpoint {@code /ws/calls/transcriptions} of every node. Each
 * verticle instance keeps its own sockets and subscriptions ({@code LiveHub}), consumes the
 * cluster-wide call events once and writes their ready-made frames to the subscribed sockets,
 * repairing gaps from PostgreSQL. Uses {@code events}, {@code call} (reads), {@code auth} (tokens),
 * {@code config} and the web toolkit; never imports {@code webhook}.
 */
package io.callstream.live;
