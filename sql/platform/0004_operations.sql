-- Production operation: the backups pgBackRest made (recorded by
-- ops/backup, read by every host for /_health, /metrics and the console),
-- and notifications that carry the moment of their change, so each host
-- can measure how late it learns about a change (NOTIFY lag).

CREATE TABLE platform.backups (
    label            text        PRIMARY KEY CHECK (label <> '' AND length(label) <= 100),
    kind             text        NOT NULL CHECK (kind IN ('full', 'diff', 'incr')),
    started_at       timestamptz NOT NULL,
    stopped_at       timestamptz NOT NULL CHECK (stopped_at >= started_at),
    database_bytes   bigint      NOT NULL DEFAULT 0 CHECK (database_bytes >= 0),
    repository_bytes bigint      NOT NULL DEFAULT 0 CHECK (repository_bytes >= 0),
    recorded_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backups_stopped ON platform.backups (stopped_at DESC);

-- Payload 'table:epoch' (catalogue) and 'tenant:epoch' (content), the
-- epoch being the statement's clock time in seconds with microseconds.
CREATE OR REPLACE FUNCTION platform.notify_catalogue() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('platform_catalogue', TG_TABLE_NAME || ':' || extract(epoch FROM clock_timestamp())::text);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION platform.touch_tenant(tenant bigint) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    version bigint;
BEGIN
    UPDATE platform.tenants
       SET content_version = content_version + 1, content_changed_at = now()
     WHERE unit_id = tenant
    RETURNING content_version INTO version;
    PERFORM pg_notify('tenant_content', tenant::text || ':' || extract(epoch FROM clock_timestamp())::text);
    RETURN version;
END $$;
