-- Several PostgreSQL clusters ("shards"). The catalogue (this schema) lives
-- on the main cluster; each commune's schema lives on the cluster that
-- platform.tenants.shard names. Another cluster carries copies of the
-- platform's functions and reaches these tables through postgres_fdw, so a
-- commune's transaction runs whole on its own cluster.

-- How to reach each cluster. The password is never here: `secret` says
-- where a host finds it ('env:NAME' or 'file:/path'; '' for none). 'main'
-- is the cluster of DATABASE_URL.
CREATE TABLE platform.shards (
    name       text        PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,30}$'),
    url        text        NOT NULL DEFAULT ''
                           CHECK (length(url) <= 500 AND url !~ '^[a-z]+://[^/@]*:[^/@]*@'),
    secret     text        NOT NULL DEFAULT ''
                           CHECK (secret = '' OR secret ~ '^env:[A-Z_][A-Z0-9_]{0,62}$' OR secret ~ '^file:/[^\s]{1,400}$'),
    -- open: takes new communes; draining: takes none, and rebalance empties
    -- it; read_only: takes none and is never the target of a move.
    state      text        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'draining', 'read_only')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (name <> 'main' OR url = '')
);
INSERT INTO platform.shards (name) VALUES ('main');

ALTER TABLE platform.tenants
    ADD CONSTRAINT tenants_shard FOREIGN KEY (shard) REFERENCES platform.shards (name);
CREATE INDEX tenants_shard ON platform.tenants (shard);

-- Hosts learn of a new cluster, and of a commune placed elsewhere, by the
-- catalogue's NOTIFY.
CREATE TRIGGER shards_notify AFTER INSERT OR UPDATE OR DELETE ON platform.shards
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();
DROP TRIGGER tenants_notify ON platform.tenants;
CREATE TRIGGER tenants_notify AFTER INSERT OR UPDATE OF status, status_note, schema_name, successor_id, archive_slug, shard OR DELETE
    ON platform.tenants FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();

-- One move of a commune between clusters, and where it stands, so that a
-- move that was stopped is resumed or rolled back by the next run:
--   copying   the target subscribes to the source; the source takes writes
--   frozen    the source refuses writes; the catalogue still names it
--   switched  the catalogue names the target; the source copy waits for
--             its grace period, read-only
--   done      the source copy is dropped
--   rolled_back  the target copy is dropped; the source takes writes again
CREATE TABLE platform.shard_moves (
    id            bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     bigint           NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    schema_name   text             NOT NULL,
    source        text             NOT NULL REFERENCES platform.shards (name),
    target        text             NOT NULL REFERENCES platform.shards (name),
    step          text             NOT NULL DEFAULT 'copying'
                                   CHECK (step IN ('copying', 'frozen', 'switched', 'done', 'rolled_back')),
    started_at    timestamptz      NOT NULL DEFAULT now(),
    switched_at   timestamptz,
    finished_at   timestamptz,
    copy_seconds  double precision,
    freeze_ms     double precision,
    rows_copied   bigint,
    bytes         bigint,
    detail        text             NOT NULL DEFAULT '',
    CHECK (source <> target)
);
CREATE UNIQUE INDEX shard_moves_one_open ON platform.shard_moves (tenant_id) WHERE step IN ('copying', 'frozen', 'switched');

-- Put on every table of a commune's source copy once its writes are frozen:
-- a write there fails with SQLSTATE PM001, and the host retries it on the
-- cluster the catalogue names.
CREATE FUNCTION platform.refuse_moved_write() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the commune of schema % has moved to another cluster', TG_TABLE_SCHEMA
        USING ERRCODE = 'PM001', HINT = 'Run the write on the cluster named by platform.tenants.shard.';
END $$;
