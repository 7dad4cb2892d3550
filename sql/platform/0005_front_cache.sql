-- The pages nginx's front cache may hold (deploy/nginx, FRONT_CACHE_PURGE):
-- a host records a page's front key here before it lets nginx keep the page,
-- and whoever learns that the commune changed purges the commune's live keys
-- on every front. expires_at: after it no front still holds the page, so an
-- expired row needs no purge (hosts delete those rows every few minutes).
CREATE TABLE platform.front_cache (
    tenant_id  bigint NOT NULL,
    key        text NOT NULL CHECK (length(key) <= 4096),
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX front_cache_expires ON platform.front_cache (expires_at);
