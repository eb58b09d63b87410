-- `callstream user disable NAME` sets disabled_at; a disabled user cannot obtain a token (POST /auth/token answers
-- 401 as for a wrong password). `user enable NAME` clears it. Expand-only: a nullable column old nodes ignore.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
