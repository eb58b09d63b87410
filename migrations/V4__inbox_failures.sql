-- A signed post-call body that could not be applied is kept, never lost: status 'failed' with the error, the raw
-- bytes when PostgreSQL cannot store them as jsonb (SQLSTATE 22, e.g. a NUL character), and how often it failed.
-- Expand-only: old nodes never write 'failed' and ignore the new columns.
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_status_check;
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_status_check
    CHECK (status IN ('pending', 'processed', 'ignored', 'failed'));
ALTER TABLE webhook_events ADD COLUMN error text;
ALTER TABLE webhook_events ADD COLUMN raw_body bytea;
ALTER TABLE webhook_events ADD COLUMN attempts integer NOT NULL DEFAULT 0;
CREATE INDEX webhook_events_failed_idx ON webhook_events (received_at) WHERE status = 'failed';
-- When the events of an applied body went out on the bus. A redelivery of a body applied long enough ago whose
-- events were never published (its node died between the commit and the publish) announces the end again.
ALTER TABLE webhook_events ADD COLUMN published_at timestamptz;
