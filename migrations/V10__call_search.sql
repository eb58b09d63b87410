-- Search in what was said (GET /calls?q=WORDS, docs/search.md): full-text indexes over the transcript turns and the
-- call summaries, English configuration (stemming: "disputed" finds "dispute", "disputes"). Expression indexes, not
-- generated tsvector columns: adding a STORED generated column rewrites the whole table under an ACCESS EXCLUSIVE
-- lock, an index does not, and old nodes' INSERTs name no new column either way. The queries (call/CallSearch) repeat
-- these expressions exactly, so the planner can use the indexes. Expand-only: two new indexes, nothing else.
-- IF NOT EXISTS: an operator may build them beforehand with CREATE INDEX CONCURRENTLY (migrations/README.md, V10).
CREATE INDEX IF NOT EXISTS transcriptions_search_idx
    ON transcriptions USING gin (to_tsvector('english', message_text));
CREATE INDEX IF NOT EXISTS calls_summary_search_idx
    ON calls USING gin (to_tsvector('english', coalesce(transcript_summary, '')));
