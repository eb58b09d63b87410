-- What a call was about and who started it (the dispatcher console shows both). Expand-only: new nullable or
-- defaulted columns, so nodes of the previous version keep working against this schema during a rolling deploy.
ALTER TABLE calls ADD COLUMN violation_types text[] NOT NULL DEFAULT '{}';
ALTER TABLE calls ADD COLUMN started_by text;
-- the console's history filters by driver and date; calls_driver_idx exists, this one serves driver + newest first
CREATE INDEX calls_driver_created_at_idx ON calls (driver_id, created_at DESC, id DESC);
