-- Visits to each commune's pages, counted from nginx's visits log (no
-- address, no cookie; deploy/nginx/nginx.conf, `provisioner visits
-- ingest`): per page and day, and per day (the charts and the yearly
-- report read the second).
CREATE TABLE platform.visits (
    tenant_id bigint  NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    day       date    NOT NULL,
    path      text    NOT NULL CHECK (length(path) <= 300),
    views     integer NOT NULL CHECK (views > 0),
    PRIMARY KEY (tenant_id, day, path)
);

CREATE TABLE platform.visit_days (
    tenant_id bigint  NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    day       date    NOT NULL,
    views     integer NOT NULL CHECK (views > 0),
    PRIMARY KEY (tenant_id, day)
);

-- How far each log file has been read, by its machine and inode
-- (`machine:inode`): a run stopped anywhere resumes at the last committed
-- line; a rotated file keeps its inode, so reading it and its successor
-- counts every line once.
CREATE TABLE platform.visit_files (
    source     text        PRIMARY KEY CHECK (length(source) <= 300),
    name       text        NOT NULL,
    read_to    bigint      NOT NULL CHECK (read_to >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
