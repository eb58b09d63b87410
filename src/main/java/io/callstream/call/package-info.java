/**
 * The call domain: the {@code calls} and {@code transcriptions} tables (one repository each, all their SQL beside
 * them), starting outbound calls through the ElevenLabs client, applying post-call data to a call
 * ({@code CallCompletions}: the webhook, the backfill and parked inbox events all come through it), and the
 * dispatchers' calls API. Uses the web toolkit, {@code events}, {@code db}, {@code config}, {@code auth} (route
 * guard), {@code driver} and {@code audio} (the recordings the calls API serves); never imports {@code webhook} or
 * {@code live}: what was parked by the webhook role reaches a call start through the {@code ParkedEvents}
 * interface owned here.
 */
package io.callstream.call;
