-- Needs attention (docs/console.md): a dispatcher marks a failed, unsuccessful or unanswered call, or an inbound call
-- from an unknown number, handled (POST /calls/{id}/handled). Expand-only: two nullable columns old nodes ignore,
-- and a partial index for the attention list (GET /calls?needs_attention=true), which holds only unhandled calls.
ALTER TABLE calls ADD COLUMN handled_by text;
ALTER TABLE calls ADD COLUMN handled_at timestamptz;
CREATE INDEX calls_attention_idx ON calls (created_at DESC, id DESC)
    WHERE handled_at IS NULL AND status IN ('completed', 'failed');
