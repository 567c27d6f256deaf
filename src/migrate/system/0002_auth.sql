-- Basalt system migration 0002: the auth tables, with Supabase Auth's (GoTrue's) table and
-- column names and types, so a pg_dump of a Supabase auth schema loads into them and SQL
-- written against auth.users keeps working. Basalt additions are marked. Everything is
-- IF NOT EXISTS: a database that already holds Supabase's auth tables is adopted as is.
-- No grants: the API roles never touch these tables; the server reads them as their owner.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'auth' AND t.typname = 'aal_level') THEN
        CREATE TYPE auth.aal_level AS ENUM ('aal1', 'aal2', 'aal3');
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS auth.users (
    instance_id uuid NULL,
    id uuid NOT NULL,
    aud varchar(255) NULL,
    "role" varchar(255) NULL,
    email varchar(255) NULL,
    encrypted_password varchar(255) NULL,
    email_confirmed_at timestamptz NULL,
    invited_at timestamptz NULL,
    confirmation_token varchar(255) NULL,
    confirmation_sent_at timestamptz NULL,
    recovery_token varchar(255) NULL,
    recovery_sent_at timestamptz NULL,
    email_change_token_new varchar(255) NULL,
    email_change varchar(255) NULL,
    email_change_sent_at timestamptz NULL,
    last_sign_in_at timestamptz NULL,
    raw_app_meta_data jsonb NULL,
    raw_user_meta_data jsonb NULL,
    is_super_admin bool NULL,
    created_at timestamptz NULL,
    updated_at timestamptz NULL,
    phone text NULL DEFAULT NULL,
    phone_confirmed_at timestamptz NULL,
    phone_change text NULL DEFAULT '',
    phone_change_token varchar(255) NULL DEFAULT '',
    phone_change_sent_at timestamptz NULL,
    confirmed_at timestamptz GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
    email_change_token_current varchar(255) NULL DEFAULT '',
    email_change_confirm_status smallint NULL DEFAULT 0,
    banned_until timestamptz NULL,
    reauthentication_token varchar(255) NULL DEFAULT '',
    reauthentication_sent_at timestamptz NULL,
    is_sso_user boolean NOT NULL DEFAULT false,
    deleted_at timestamptz NULL,
    is_anonymous boolean NOT NULL DEFAULT false,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_phone_key UNIQUE (phone),
    CONSTRAINT users_email_change_confirm_status_check
        CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2)
);
COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.';

-- Basalt extension: an optional unique username (case-insensitive) to sign in with.
ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS username text NULL;

-- Emails are stored lower-cased (as GoTrue does); SSO users may share an address.
CREATE UNIQUE INDEX IF NOT EXISTS users_email_partial_key ON auth.users (email) WHERE (is_sso_user = false);
CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON auth.users (lower(username)) WHERE username IS NOT NULL;
CREATE INDEX IF NOT EXISTS users_instance_id_idx ON auth.users (instance_id);
CREATE INDEX IF NOT EXISTS users_is_anonymous_idx ON auth.users (is_anonymous);
CREATE INDEX IF NOT EXISTS users_created_at_idx ON auth.users (created_at, id);

CREATE TABLE IF NOT EXISTS auth.identities (
    provider_id text NOT NULL,
    user_id uuid NOT NULL,
    identity_data jsonb NOT NULL,
    provider text NOT NULL,
    last_sign_in_at timestamptz NULL,
    created_at timestamptz NULL,
    updated_at timestamptz NULL,
    email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    CONSTRAINT identities_pkey PRIMARY KEY (id),
    CONSTRAINT identities_provider_id_provider_unique UNIQUE (provider_id, provider),
    CONSTRAINT identities_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE
);
COMMENT ON TABLE auth.identities IS 'Auth: Stores identities associated to a user.';
CREATE INDEX IF NOT EXISTS identities_user_id_idx ON auth.identities (user_id);
CREATE INDEX IF NOT EXISTS identities_email_idx ON auth.identities (email text_pattern_ops);

CREATE TABLE IF NOT EXISTS auth.sessions (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NULL,
    updated_at timestamptz NULL,
    factor_id uuid NULL,
    aal auth.aal_level NULL,
    not_after timestamptz NULL,
    refreshed_at timestamp without time zone NULL,  -- UTC, as GoTrue writes it
    user_agent text NULL,
    ip inet NULL,
    tag text NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE
);
COMMENT ON TABLE auth.sessions IS 'Auth: Stores session data associated to a user.';
CREATE INDEX IF NOT EXISTS sessions_user_id_idx ON auth.sessions (user_id);
CREATE INDEX IF NOT EXISTS sessions_not_after_idx ON auth.sessions (not_after DESC);

-- `token` holds SHA-256 (hex) of the refresh token, never the token itself (Basalt differs
-- from GoTrue here; `parent` likewise holds the parent's hash). Only token and session_id are
-- indexed so rotation (revoked/updated_at) stays a HOT update on the hot refresh path.
CREATE TABLE IF NOT EXISTS auth.refresh_tokens (
    instance_id uuid NULL,
    id bigserial NOT NULL,
    "token" varchar(255) NULL,
    user_id varchar(255) NULL,
    revoked bool NULL,
    created_at timestamptz NULL,
    updated_at timestamptz NULL,
    parent varchar(255) NULL,
    session_id uuid NULL,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT refresh_tokens_token_unique UNIQUE ("token"),
    CONSTRAINT refresh_tokens_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth.sessions (id) ON DELETE CASCADE
);
COMMENT ON TABLE auth.refresh_tokens IS 'Auth: Store of tokens used to refresh JWT tokens once they expire.';
CREATE INDEX IF NOT EXISTS refresh_tokens_session_id_idx ON auth.refresh_tokens (session_id);

CREATE TABLE IF NOT EXISTS auth.mfa_amr_claims (
    session_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    authentication_method text NOT NULL,
    id uuid NOT NULL,
    CONSTRAINT amr_id_pk PRIMARY KEY (id),
    CONSTRAINT mfa_amr_claims_session_id_authentication_method_pkey UNIQUE (session_id, authentication_method),
    CONSTRAINT mfa_amr_claims_session_id_fkey FOREIGN KEY (session_id) REFERENCES auth.sessions (id) ON DELETE CASCADE
);
COMMENT ON TABLE auth.mfa_amr_claims IS 'auth: stores authenticator method reference claims for multi factor authentication';

CREATE TABLE IF NOT EXISTS auth.audit_log_entries (
    instance_id uuid NULL,
    id uuid NOT NULL,
    payload json NULL,
    created_at timestamptz NULL,
    ip_address varchar(64) NOT NULL DEFAULT '',
    CONSTRAINT audit_log_entries_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE auth.audit_log_entries IS 'Auth: Audit trail for user actions.';
CREATE INDEX IF NOT EXISTS audit_logs_instance_id_idx ON auth.audit_log_entries (instance_id);
CREATE INDEX IF NOT EXISTS audit_log_entries_created_at_idx ON auth.audit_log_entries (created_at);

-- Nothing for the API roles (tables have no PUBLIC privileges by default; made explicit).
REVOKE ALL ON auth.users, auth.identities, auth.sessions, auth.refresh_tokens, auth.mfa_amr_claims,
    auth.audit_log_entries FROM PUBLIC, anon, authenticated;
