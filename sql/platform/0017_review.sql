-- why: items now go through approval (sql/tenant/0008). A commune's
-- editor account either writes and submits (author) or also approves and
-- publishes (approver); one person may hold both. Accounts that published
-- until now keep that right.
ALTER TABLE platform.users ADD COLUMN may_approve boolean NOT NULL DEFAULT false;
UPDATE platform.users SET may_approve = true WHERE role = 'editor';

-- What waits for approval in every commune, written in the same
-- transaction as the item's own state, so that district and province staff
-- see the queue of their communes without reading each schema.
CREATE TABLE platform.review_queue (
    tenant_id    bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    entry_id     bigint      NOT NULL,
    title        text        NOT NULL,
    submitted_by text        NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now(),
    approvals    smallint    NOT NULL DEFAULT 0,
    steps        smallint    NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, entry_id)
);
CREATE INDEX review_queue_at ON platform.review_queue (submitted_at);
