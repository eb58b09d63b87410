-- Inbound driver calls over Twilio (issue 15). Expand-only: new columns with defaults, nothing dropped or renamed,
-- so nodes running the previous version keep working against this schema.

-- Calls that arrive by Twilio (call_sid = Twilio's CA... sid) are 'inbound'; every existing row is outbound.
ALTER TABLE calls ADD COLUMN direction text NOT NULL DEFAULT 'outbound'
    CHECK (direction IN ('outbound', 'inbound'));
-- Who called (Twilio's From), kept also for callers that match no driver.
ALTER TABLE calls ADD COLUMN caller_number text;

-- The Twilio recording of an inbound call (started through Twilio's REST API, fetched after the call):
-- recording_status NULL (none yet) -> requested -> recording -> downloading -> stored, or start_failed,
-- download_failed, available (no AUDIO_DIR), absent/failed (Twilio's own verdict).
ALTER TABLE calls ADD COLUMN recording_sid text;
ALTER TABLE calls ADD COLUMN recording_status text;
ALTER TABLE calls ADD COLUMN recording_url text;
-- The file name under AUDIO_DIR once downloaded (<call_sid>.mp3).
ALTER TABLE calls ADD COLUMN recording_file text;
