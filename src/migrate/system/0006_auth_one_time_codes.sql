-- Basalt system migration 0006: one-time codes for email/SMS sign-in, sign-up confirmation,
-- recovery, invites and email/phone changes (src/auth/handle_otp.cpp, handle_verify.cpp).
-- A Basalt table: GoTrue keeps plain token hashes in auth.users and auth.one_time_tokens; this
-- one stores each code salted and keyed (HMAC with the server secret), counts failed attempts
-- and expires, so codes are single use, short lived and cannot be brute-forced offline.
-- Each row carries two secrets with the same life cycle: the short code the user types and a
-- high-entropy link token (only its SHA-256 is stored) for the link in the same message.

CREATE TABLE IF NOT EXISTS auth.one_time_codes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    -- confirmation: sign-up; magiclink: email sign-in; sms: phone sign-in; recovery; invite;
    -- email_change / phone_change: confirming a new address (recipient is the new one).
    purpose     text NOT NULL CHECK (purpose IN ('confirmation', 'magiclink', 'sms', 'recovery', 'invite',
                                                 'email_change', 'phone_change')),
    channel     text NOT NULL CHECK (channel IN ('email', 'sms')),
    -- Lower-case email, or phone digits without '+' (as auth.users stores them).
    recipient   text NOT NULL,
    code_salt   text NOT NULL,
    code_hash   text NOT NULL,  -- hex HMAC-SHA256(key derived from the server secret, salt:code)
    link_hash   text NOT NULL,  -- hex SHA-256 of the link token (token_hash in supabase-js)
    attempts    integer NOT NULL DEFAULT 0,  -- wrong codes so far; at the limit the row is dead
    sent_at     timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    -- A new code for the same purpose replaces the previous one.
    CONSTRAINT one_time_codes_user_purpose_key UNIQUE (user_id, purpose, channel)
);

COMMENT ON TABLE auth.one_time_codes IS
    'Basalt: hashed one-time codes and link tokens (single use, attempt-limited, expiring).';

CREATE UNIQUE INDEX IF NOT EXISTS one_time_codes_link_hash_key ON auth.one_time_codes (link_hash);
-- The per-recipient send limit and code verification look rows up by recipient.
CREATE INDEX IF NOT EXISTS one_time_codes_recipient_idx ON auth.one_time_codes (recipient, channel);
-- The periodic cleanup deletes by expiry.
CREATE INDEX IF NOT EXISTS one_time_codes_expires_at_idx ON auth.one_time_codes (expires_at);

REVOKE ALL ON auth.one_time_codes FROM PUBLIC, anon, authenticated;
