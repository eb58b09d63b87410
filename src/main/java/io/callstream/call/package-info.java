/**
 * The call domain: the {@code calls} and {@code transcriptions} tables, each with one owner that
 * holds every statement writing it and its status values: {@code CallRepository} (its SQL in {@code
 * CallSql}; the twilio package's inbound calls and recordings and the reconciler's sweeps call its
 * methods) and {@code TranscriptRepository}. One statement touches both: the live-turn batch
 * ({@code TranscriptRepository}'s {@code INSERT_BATCH}) inserts turns and takes their sequence
 * numbers from the calls' counters in one round trip; {@code TableOwnersTest} allows exactly that
 * one. Also: starting outbound calls through the ElevenLabs client, applying post-call data to a
 * call ({@code CallCompletions}: the webhook, the backfill and parked inbox events all come through
 * it), and the dispatchers' calls API. Uses the web toolkit, {@code events}, {@code db}, {@code
 * config}, {@code auth} (route guard), {@code driver} and {@code audio} (the recordings the calls
 * API serves); never imports {@code webhook} or {@code live}: what was parked by the webhook role
 * reaches a call start through the {@code ParkedEvents} interface owned here (the reconciler counts
 * and expires them through it too).
 */
package io.callstream.call;
