-- Basalt system migration 0005: the durable outbox for email and SMS (src/messaging/).
-- A request inserts its message in the same transaction as the data that needs it (an OTP
-- row), so a rollback sends nothing and a commit is never lost; a background sender claims due
-- rows with FOR UPDATE SKIP LOCKED, delivers them and records the outcome here.
-- Internal to the server: lives in schema basalt, no access for the API roles.

CREATE TABLE IF NOT EXISTS basalt.outbox (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel             text NOT NULL CHECK (channel IN ('email', 'sms')),
    -- confirmation, invite, magic_link, recovery, email_change, reauthentication, otp, custom...
    kind                text NOT NULL,
    recipient           text NOT NULL,  -- email address, or an E.164 phone number (+233...)
    subject             text,           -- email only
    text_body           text,           -- email text part, or the SMS text
    html_body           text,           -- email only; NULL = text-only mail
    user_id             uuid,           -- who it concerns (no FK: users may be deleted first)
    -- pending: waiting (or backing off); sending: claimed by a live sender; sent: accepted by
    -- the provider; failed: gave up (permanent error, max attempts, expired); captured: kept
    -- in the development mailbox because no provider is configured.
    status              text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'captured')),
    attempts            integer NOT NULL DEFAULT 0,
    last_error          text,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    expires_at          timestamptz,    -- not delivered after this (a late OTP is useless)
    -- The sender holding a 'sending' row: the second key of its session advisory lock
    -- pg_advisory_lock(<outbox namespace>, claimed_by). When that session is gone (crash,
    -- restart) the row is claimable again at once; claimed_at bounds a stuck live sender.
    claimed_by          integer,
    claimed_at          timestamptz,
    provider            text,           -- smtp, arkesel, webhook, capture
    provider_message_id text,           -- Message-ID header, provider's message id
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz
);

COMMENT ON TABLE basalt.outbox IS
    'Email/SMS outbox: committed with the request, delivered by the background sender (src/messaging).';

-- The sender's claim scans only rows that may still need work.
CREATE INDEX IF NOT EXISTS outbox_due_idx ON basalt.outbox (next_attempt_at, id)
    WHERE status IN ('pending', 'sending');
-- The development mailbox (`basalt mail list`) and retention cleanup read by age.
CREATE INDEX IF NOT EXISTS outbox_created_idx ON basalt.outbox (created_at);

REVOKE ALL ON basalt.outbox FROM PUBLIC;
