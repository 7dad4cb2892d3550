-- why: purging a commune from nginx's front caches cost one request per
-- page any host had let a front keep (5,000 URLs requested: 40,000 purges
-- for one editor's save), sent again by every host on NOTIFY. Each front now
-- keeps a generation per host name in its cache key (deploy/nginx): a
-- commune is purged by bumping its host names, one request per front, by
-- the host that made the write. Front keys are no longer recorded.
--
-- The host that made a write, and purges the fronts itself, says so with
-- SET LOCAL platform.front_purged = 'writer'; the notification then reads
-- 'id:w:epoch' and the other hosts only drop their own cached pages.
CREATE OR REPLACE FUNCTION platform.touch_tenant(tenant bigint) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    version bigint;
BEGIN
    UPDATE platform.tenants
       SET content_version = content_version + 1, content_changed_at = now()
     WHERE unit_id = tenant
    RETURNING content_version INTO version;
    PERFORM pg_notify('tenant_content', tenant::text
        || CASE WHEN current_setting('platform.front_purged', true) = 'writer' THEN ':w' ELSE '' END
        || ':' || extract(epoch FROM clock_timestamp())::text);
    RETURN version;
END $$;

DROP TABLE platform.front_cache;
