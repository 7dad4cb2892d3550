-- why: the platform sends e-mail (invitations, password resets, answers to
-- citizens, alerts). A message is written to the outbox in the transaction
-- of the event that causes it (through the foreign table on another
-- cluster, like the audit log) and sent later by the delivery worker
-- (provisioner mail deliver), which retries with back-off and gives up
-- into a dead letter an operator sees and can retry.

ALTER TABLE platform.users
    ADD COLUMN email text CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$')),
    -- Set for an account whose password someone else typed (the first
    -- operator, made on the command line): the console asks for a new one.
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
    -- Alerts the person switched off (kinds of platform.mail_outbox).
    ADD COLUMN alerts_off text[] NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX users_email ON platform.users (lower(email)) WHERE email IS NOT NULL;

-- Single-use links: an invitation to set one's first password, or a
-- password reset. Only the SHA-256 of the token is stored.
CREATE TABLE platform.account_tokens (
    token_hash bytea       PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX account_tokens_user ON platform.account_tokens (user_id, purpose, created_at DESC);

CREATE TABLE platform.mail_outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text        NOT NULL,
    recipient       text        NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254 AND recipient !~ '[[:space:]<>]'),
    subject         text        NOT NULL CHECK (subject <> '' AND subject !~ '[\r\n]'),
    body_text       text        NOT NULL,
    body_html       text        NOT NULL,
    commune_code    integer,
    -- What the message is about (a question's code, an account's name),
    -- so that a second alert for the same thing is not written.
    about           text        NOT NULL DEFAULT '',
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- A worker holds the message until then; past it, another may take it
    -- (a worker that died mid-send).
    claimed_until   timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX mail_outbox_due ON platform.mail_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mail_outbox_created ON platform.mail_outbox (created_at DESC);
CREATE INDEX mail_outbox_recipient ON platform.mail_outbox (lower(recipient));
