-- Basalt system migration 0010: PKCE flow state (src/auth/handle_pkce.cpp). A request that
-- sends an emailed link (/signup, /otp, /recover, /resend, PUT /user) with a code_challenge
-- gets a row here; opening the link (GET /verify) issues the auth code it holds, redirecting
-- with ?code=; POST /token?grant_type=pkce trades code + code_verifier for a session, once.
-- GoTrue's table and column names and types, so an adopted Supabase auth schema keeps its
-- table (IF NOT EXISTS). Basalt differences: auth_code holds the hex SHA-256 of the code, not
-- the code; link_hash and expires_at are Basalt additions.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'auth' AND t.typname = 'code_challenge_method') THEN
        CREATE TYPE auth.code_challenge_method AS ENUM ('s256', 'plain');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS auth.flow_state (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id uuid NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    auth_code text NOT NULL,
    code_challenge_method auth.code_challenge_method NOT NULL,
    code_challenge text NOT NULL,
    provider_type text NOT NULL,
    provider_access_token text NULL,
    provider_refresh_token text NULL,
    created_at timestamptz NULL,
    updated_at timestamptz NULL,
    authentication_method text NOT NULL,
    auth_code_issued_at timestamptz NULL,
    CONSTRAINT flow_state_pkey PRIMARY KEY (id)
);

-- Basalt: the hex SHA-256 of the emailed link token this flow waits for (one link, one flow),
-- and when the row stops being usable: the link's expiry until it is opened, then the auth
-- code's (auth.flow_state_expiry_seconds after opening). The cleanup job deletes past rows.
ALTER TABLE auth.flow_state ADD COLUMN IF NOT EXISTS link_hash text NULL;
ALTER TABLE auth.flow_state ADD COLUMN IF NOT EXISTS expires_at timestamptz NULL;

COMMENT ON TABLE auth.flow_state IS 'PKCE flow state: the code challenge of a pending emailed link and its auth code (hashed).';

CREATE INDEX IF NOT EXISTS idx_auth_code ON auth.flow_state (auth_code);
CREATE UNIQUE INDEX IF NOT EXISTS flow_state_link_hash_key ON auth.flow_state (link_hash);
CREATE INDEX IF NOT EXISTS flow_state_expires_at_idx ON auth.flow_state (expires_at);

REVOKE ALL ON auth.flow_state FROM PUBLIC, anon, authenticated;
