-- What a browser found on a sample of each site's pages: axe-core 4's
-- WCAG 2.0/2.1 A and AA rules ('axe') and the Nu Html Checker ('vnu'),
-- written by ops/audit-pages; the compliance audit reports the latest of
-- each tool per commune.
CREATE TABLE platform.page_checks (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    tool       text        NOT NULL CHECK (tool IN ('axe', 'vnu')),
    checked_at timestamptz NOT NULL DEFAULT now(),
    pages      integer     NOT NULL CHECK (pages >= 0),
    problems   integer     NOT NULL CHECK (problems >= 0),
    -- [{"page": "/tin-tuc", "id": "color-contrast", "message": "...", "target": "..."}], at most 50
    detail     jsonb       NOT NULL DEFAULT '[]'
);
CREATE INDEX page_checks_tenant ON platform.page_checks (tenant_id, tool, checked_at DESC);
