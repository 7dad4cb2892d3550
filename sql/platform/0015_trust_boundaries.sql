-- why: a province operator reached past its province (a notice shown on
-- every province's sites), an editor could make the commune's pages load
-- any script (the EMC field took any https address), and citizens' form
-- submissions kept their addresses for ever.

-- The platform role: the operator of every province. An operator bound to
-- no province had that reach as 'province'; it is now a role of its own,
-- created only by the platform's command line (provisioner user add
-- --role platform), never from the console. The accounts that had it are
-- converted, each with an entry in the audit log.
ALTER TABLE platform.users DROP CONSTRAINT users_role_check, DROP CONSTRAINT users_check;
INSERT INTO platform.audit_log (user_id, username, action, detail)
SELECT id, username, 'user.role', 'province → platform: an operator bound to no province runs every province (platform migration 15)'
  FROM platform.users WHERE role = 'province' AND scope_unit_id IS NULL;
UPDATE platform.users SET role = 'platform', updated_at = now() WHERE role = 'province' AND scope_unit_id IS NULL;
ALTER TABLE platform.users
    ADD CONSTRAINT users_role_check CHECK (role IN ('platform', 'province', 'district', 'editor')),
    ADD CONSTRAINT users_scope_check CHECK ((role = 'platform') = (scope_unit_id IS NULL));

-- Notices per province: a province operator's notice reaches the sites and
-- portals of its province; one for every province (province_id NULL) is
-- the platform role's.
CREATE TABLE platform.notices (
    province_id bigint      REFERENCES platform.units (id),
    text        text        NOT NULL CHECK (text <> '' AND length(text) <= 1000),
    shown_from  timestamptz,
    shown_until timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX notices_scope ON platform.notices ((coalesce(province_id, 0)));
INSERT INTO platform.notices (province_id, text, shown_from, shown_until, updated_at)
SELECT NULL, text, shown_from, shown_until, updated_at FROM platform.notice WHERE text <> '';
DROP TABLE platform.notice;
CREATE TRIGGER notices_notify AFTER INSERT OR UPDATE OR DELETE ON platform.notices
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();

-- Settings of the whole platform, changed by the platform role and read
-- into every host's directory. The EMC monitoring system (Circular
-- 22/2023/TT-BTTTT) gives each site a numeric site id; the script and the
-- tracker it loads are the system's, the same for every site: a commune's
-- pages may load that script and no other.
CREATE TABLE platform.settings (
    name       text        PRIMARY KEY CHECK (name IN ('emc_script', 'emc_tracker')),
    value      text        NOT NULL CHECK (length(value) <= 300),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO platform.settings (name, value) VALUES
    ('emc_script', 'https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js'),
    ('emc_tracker', 'https://f-emc.ngsp.gov.vn/tracking');
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON platform.settings
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();

-- Citizens' submissions are counted for the limit of 5 per address and
-- commune per hour, and for nothing else: the address is kept as a keyed
-- hash (the key never leaves the database) and every row older than an
-- hour is deleted as new ones come. Nothing joins a rating to an address.
CREATE TABLE platform.address_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key       text    NOT NULL DEFAULT gen_random_uuid()::text || gen_random_uuid()::text
);
INSERT INTO platform.address_key DEFAULT VALUES;
CREATE FUNCTION platform.address_hash(address text) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT sha256(convert_to((SELECT key FROM platform.address_key) || address, 'UTF8'))
$$;
DROP TABLE platform.form_submissions;
CREATE TABLE platform.form_submissions (
    address_hash bytea       NOT NULL,
    tenant_id    bigint      NOT NULL,
    form         text        NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX form_submissions_address ON platform.form_submissions (address_hash, tenant_id, at DESC);
CREATE INDEX form_submissions_at ON platform.form_submissions (at);
