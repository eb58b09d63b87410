/**
 * The webhook role: ElevenLabs' webhooks verified over their raw bytes, bodies read with bounded
 * memory, post-call events kept in the {@code webhook_events} inbox (owned by {@code
 * InboxRepository}: every statement on that table, the reconciler's included, is there) and applied
 * through the call domain, live turns stored in one statement, post_call_audio decoded into the
 * audio store ({@code audio}) before the 200, and the status codes that make ElevenLabs retry only
 * when a retry can help. Each endpoint has one handler that returns the delivery's {@code
 * WebhookOutcome} (answered, parked, refused); {@code WebhookAnswers} alone turns it into the HTTP
 * answer, the metrics and the log line. Publishes on {@code events}; never imports {@code live}.
 */
package io.callstream.webhook;
