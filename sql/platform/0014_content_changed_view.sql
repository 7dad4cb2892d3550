-- When each commune's content last changed, as a commune's menu-and-footer
-- query reads it (the Last-Modified of its pages). On the main cluster it
-- is the catalogue's; on another cluster `provisioner shards add` puts an
-- empty view of the same name in its place, so that a page there reads
-- nothing through postgres_fdw (its pages then carry no older
-- Last-Modified than the moment they are made; ETags answer revalidation).
CREATE VIEW platform.content_changed AS
    SELECT schema_name, content_changed_at FROM platform.tenants;
