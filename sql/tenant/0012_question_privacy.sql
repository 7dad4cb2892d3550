-- why: a citizen may ask to be told by e-mail when their question is
-- answered (with consent, kept with the question) and chooses whether their
-- full name is published with the answer; by default only initials are.
-- Contact data is erased after the retention period (provisioner retention
-- run), and an alert is written once per stage (10 working days, overdue).
ALTER TABLE questions
    ADD COLUMN notify_email text NOT NULL DEFAULT '',
    ADD COLUMN consent_at   timestamptz,
    ADD COLUMN show_name    boolean NOT NULL DEFAULT false,
    ADD COLUMN alert_stage  smallint NOT NULL DEFAULT 0,
    -- When the contact data was erased (the question and answer stay).
    ADD COLUMN erased_at    timestamptz;
