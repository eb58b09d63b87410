-- callstream schema, version 1. Column names of `calls` and `transcriptions` are fixed by the wire contract
-- (operators' runbook queries use them). Flyway runs this in the schema named by DB_SCHEMA.

CREATE TABLE drivers (
    driver_id     text PRIMARY KEY,
    name          text NOT NULL,
    phone_number  text NOT NULL CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    username       text PRIMARY KEY,
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('dispatcher', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE calls (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_sid               text NOT NULL UNIQUE,
    conversation_id        text UNIQUE,                -- NULL until ElevenLabs returns it; NULLs do not collide
    driver_id              text,
    status                 text NOT NULL DEFAULT 'initiated'
                           CHECK (status IN ('initiated', 'in_progress', 'completed', 'failed')),
    failure_reason         text,
    call_start_time        timestamptz,
    call_end_time          timestamptz,
    transcript_summary     text,
    call_duration_seconds  integer,
    cost                   double precision,
    call_successful        boolean,
    analysis_data          jsonb,
    metadata_json          jsonb,
    -- The sequence counter of the call's transcript: a live turn takes the next number with one
    -- UPDATE ... RETURNING on this row, so numbers are 1, 2, 3... per call, gapless, in arrival order.
    last_sequence_number   integer NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_created_at_idx ON calls (created_at DESC, id DESC);
CREATE INDEX calls_status_created_at_idx ON calls (status, created_at DESC, id DESC);
CREATE INDEX calls_driver_idx ON calls (driver_id);

CREATE TABLE transcriptions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id          bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    sequence_number  integer NOT NULL CHECK (sequence_number > 0),
    speaker_type     text NOT NULL CHECK (speaker_type IN ('agent', 'user')),
    message_text     text NOT NULL,
    spoken_at        timestamptz,
    source           text NOT NULL CHECK (source IN ('live', 'post_call')),
    -- Identity of a turn for redelivery: a hash of (speaker, timestamp, message) for live turns,
    -- 'post_call:<index>' for turns taken from a post-call body. A redelivered turn hits this key.
    dedupe_key       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (call_id, sequence_number),
    UNIQUE (call_id, dedupe_key)
);

-- The inbox: every verified webhook body, kept before (and in the same transaction as) its effects.
CREATE TABLE webhook_events (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type             text NOT NULL,
    conversation_id  text,
    call_sid         text,                 -- dynamic_variables.callstream_call_sid, when the body carries it
    event_timestamp  bigint,
    body             jsonb NOT NULL,
    body_sha256      text NOT NULL UNIQUE, -- a retry carries the identical body: this is the dedupe key
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'processed', 'ignored')),
    received_at      timestamptz NOT NULL DEFAULT now(),
    processed_at     timestamptz
);
CREATE INDEX webhook_events_pending_conversation_idx
    ON webhook_events (conversation_id) WHERE status = 'pending';
CREATE INDEX webhook_events_pending_call_sid_idx
    ON webhook_events (call_sid) WHERE status = 'pending';
