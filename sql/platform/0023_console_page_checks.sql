-- The console's own pages, checked by the same tools as the communes' sites
-- (ops/audit-pages --console-accounts): rows of scope 'console' belong to
-- no commune. The compliance list shows the newest of each tool.
ALTER TABLE platform.page_checks ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE platform.page_checks ADD COLUMN scope text NOT NULL DEFAULT 'site' CHECK (scope IN ('site', 'console'));
ALTER TABLE platform.page_checks ADD CONSTRAINT page_checks_scope CHECK ((scope = 'site') = (tenant_id IS NOT NULL));
CREATE INDEX page_checks_console ON platform.page_checks (tool, checked_at DESC) WHERE scope = 'console';
