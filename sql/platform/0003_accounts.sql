-- Staff accounts, their sessions, login throttling and the audit log.
-- Roles: 'province' (operator: every commune, or those of scope_unit_id),
-- 'district' (the communes under scope_unit_id, plus those assigned in
-- user_communes — how a two-level province delegates), 'editor' (the one
-- commune scope_unit_id).

CREATE TABLE platform.users (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text        NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    display_name   text        NOT NULL CHECK (display_name <> '' AND length(display_name) <= 120),
    password_hash  text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('province', 'district', 'editor')),
    scope_unit_id  bigint      REFERENCES platform.units (id),
    active         boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    last_login_at  timestamptz,
    CHECK (role = 'province' OR scope_unit_id IS NOT NULL)
);

CREATE TABLE platform.user_communes (
    user_id         bigint NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
    commune_unit_id bigint NOT NULL REFERENCES platform.units (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, commune_unit_id)
);

-- The browser holds a random token; only its SHA-256 is stored.
CREATE TABLE platform.sessions (
    token_hash   bytea       PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES platform.users (id) ON DELETE CASCADE,
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    address      text        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON platform.sessions (user_id);

CREATE TABLE platform.login_attempts (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username   text        NOT NULL,
    address    text        NOT NULL,
    succeeded  boolean     NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_user ON platform.login_attempts (username, at DESC);
CREATE INDEX login_attempts_address ON platform.login_attempts (address, at DESC);

-- Every change made through the console or the provisioner, and every
-- refused access: who, when, which commune, what.
CREATE TABLE platform.audit_log (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    user_id      bigint      REFERENCES platform.users (id) ON DELETE SET NULL,
    username     text        NOT NULL,
    commune_code integer,
    action       text        NOT NULL,
    detail       text        NOT NULL DEFAULT '',
    address      text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON platform.audit_log (at DESC);
CREATE INDEX audit_log_commune ON platform.audit_log (commune_code, at DESC);

-- Citizens' form submissions, for the per-address rate limit (any host process).
CREATE TABLE platform.form_submissions (
    address   text        NOT NULL,
    tenant_id bigint      NOT NULL,
    form      text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_submissions_address ON platform.form_submissions (address, at DESC);
