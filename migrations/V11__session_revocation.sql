-- Sign-out revokes every token of the user (docs/sessions.md): tokens carry the user's token_generation as their
-- "gen" claim, POST /auth/logout increments it, and every node refuses a token whose "gen" is older (within
-- REVOCATION_CHECK_SECONDS). Expand-only: a constant default (no table rewrite); old nodes neither read nor write it.
ALTER TABLE users ADD COLUMN token_generation integer NOT NULL DEFAULT 0;
