/**
 * The webhook role: ElevenLabs' webhooks verified over their raw bytes, bodies read with bounded memory, post-call
 * events kept in the {@code webhook_events} inbox and applied through the call domain, live turns stored in one
 * statement, audio spooled to disk, and the status codes that make ElevenLabs retry only when a retry can help.
 * Publishes on {@code events}; never imports {@code live}.
 */
package io.callstream.webhook;
