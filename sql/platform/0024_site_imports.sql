-- why: a province or district operator brings a commune's old website in
-- from the console (the same import as `provisioner site import`). The
-- request waits here until a host claims it; the host that runs it writes
-- its progress and report here, so the operator can follow it from any
-- host, and a host that stops mid-way leaves it to another (the import
-- resumes: what is in stays in).
CREATE TABLE platform.site_imports (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    kind         text        NOT NULL CHECK (kind IN ('wxr', 'crawl')),
    -- The old site's address (a crawl's start, or the export's site).
    site         text        NOT NULL CHECK (length(site) BETWEEN 1 AND 500),
    -- The WordPress export as uploaded; dropped once the import is done.
    wxr          bytea,
    profile      text        NOT NULL DEFAULT 'wordpress' CHECK (profile IN ('wordpress', 'joomla', 'generic')),
    publish      boolean     NOT NULL DEFAULT false,
    state        text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    phase        text        NOT NULL DEFAULT '',
    done         integer     NOT NULL DEFAULT 0 CHECK (done >= 0),
    total        integer     NOT NULL DEFAULT 0 CHECK (total >= 0),
    summary      text        NOT NULL DEFAULT '',
    report       text        NOT NULL DEFAULT '',
    requested_by text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    heartbeat_at timestamptz,
    finished_at  timestamptz
);
CREATE INDEX site_imports_tenant ON platform.site_imports (tenant_id, id DESC);
CREATE INDEX site_imports_waiting ON platform.site_imports (id) WHERE state IN ('queued', 'running');
