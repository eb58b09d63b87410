-- Recordings stored where every node reads them (docs/recordings.md). One row per stored recording, keyed by the
-- identifier it arrived under: the conversation id (ElevenLabs' post_call_audio) or the call sid (a Twilio
-- recording). With AUDIO_STORE=postgres the bytes are in call_audio_chunks, CHUNK bytes per row in order (the last
-- may be shorter), written in the same transaction that inserts the row, so a half-written recording is never
-- visible. With AUDIO_STORE=s3 the bytes are the object object_key and the row is inserted once the upload is done.
-- Expand-only: new tables, nothing old changes.
CREATE TABLE call_audio (
    id           bigserial PRIMARY KEY,
    audio_key    text        NOT NULL,
    source       text        NOT NULL CHECK (source IN ('elevenlabs', 'twilio')),
    content_type text        NOT NULL DEFAULT 'audio/mpeg',
    size         bigint      NOT NULL DEFAULT 0 CHECK (size >= 0),
    chunk_size   integer     NOT NULL CHECK (chunk_size > 0),
    sha256       text,
    store        text        NOT NULL CHECK (store IN ('postgres', 's3')),
    object_key   text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- A replaced recording's old row is deleted in the transaction that stores the new one; readers take the newest.
CREATE INDEX call_audio_key_idx ON call_audio (audio_key, id);
CREATE INDEX call_audio_created_idx ON call_audio (created_at);
CREATE TABLE call_audio_chunks (
    audio_id bigint  NOT NULL REFERENCES call_audio (id) ON DELETE CASCADE,
    seq      integer NOT NULL CHECK (seq >= 0),
    bytes    bytea   NOT NULL,
    PRIMARY KEY (audio_id, seq)
);
-- Store TOASTed chunks uncompressed: MP3 does not compress, and PostgreSQL would try on every chunk.
ALTER TABLE call_audio_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
-- A Twilio recording whose download has not been stored yet: claimed by a node (claimed_at), retried by a
-- redelivered callback or by any node once the claim is older than the retry age. Deleted once stored.
CREATE TABLE pending_recordings (
    call_sid      text        PRIMARY KEY,
    recording_sid text,
    recording_url text        NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text,
    claimed_at    timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now()
);
