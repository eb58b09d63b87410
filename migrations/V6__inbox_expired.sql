-- A parked post-call event (status 'pending': its call is unknown) whose call never appears is expired by the
-- reconciler after INBOX_PARKED_RETENTION_HOURS: status 'expired', the body kept for forensics, the reason in
-- error. Expand-only: old nodes never write 'expired' and only look at 'pending' rows.
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_status_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_status_check
    CHECK (status IN ('pending', 'processed', 'ignored', 'failed', 'expired'));
-- the expiry sweep and the oldest-pending gauge read pending rows by age
CREATE INDEX webhook_events_pending_received_idx ON webhook_events (received_at) WHERE status = 'pending';
