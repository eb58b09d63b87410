/**
 * The event-bus contract, where the webhook role (publisher) and the live role (consumer) meet: the
 * address, the event records (transcription, call_status, call_completed) whose frames dashboards
 * receive, and the one receive-side view ({@code CallEvents.Received}). Imports nothing of
 * callstream.
 */
package io.callstream.events;
