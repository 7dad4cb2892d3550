-- why: a commune's old website is brought onto the platform (provisioner
-- site import). Each item taken in remembers where it came from, so a
-- rerun skips it and nothing is doubled; files are kept once per content;
-- the old site's addresses answer 301 to the new pages.

-- One row per item of a source taken in: an entry, a static section's text
-- or a file. `source` names the old site (`wxr:xahainam.namdinh.gov.vn`),
-- `source_id` the item there (a post id, a file's address).
CREATE TABLE imported_items (
    source      text        NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
    source_id   text        NOT NULL CHECK (length(source_id) BETWEEN 1 AND 2000),
    entry_id    bigint      REFERENCES entries (id) ON DELETE CASCADE,
    section_id  smallint    REFERENCES sections (id) ON DELETE CASCADE,
    file_id     bigint      REFERENCES files (id) ON DELETE CASCADE,
    old_url     text        NOT NULL DEFAULT '',
    imported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, source_id),
    CHECK (num_nonnulls(entry_id, section_id, file_id) = 1)
);
CREATE INDEX imported_items_entry ON imported_items (entry_id) WHERE entry_id IS NOT NULL;

-- A file taken in, by the SHA-256 of the bytes fetched: the same image
-- under two names is stored once.
CREATE TABLE imported_files (
    sha256  bytea  PRIMARY KEY CHECK (length(sha256) = 32),
    file_id bigint NOT NULL REFERENCES files (id) ON DELETE CASCADE
);

-- An old address (its path, percent-decoded, without a trailing slash)
-- and the page that now answers for it.
CREATE TABLE old_addresses (
    path       text    PRIMARY KEY CHECK (length(path) BETWEEN 1 AND 2000),
    entry_id   bigint  REFERENCES entries (id) ON DELETE CASCADE,
    section_id smallint REFERENCES sections (id) ON DELETE CASCADE,
    file_id    bigint  REFERENCES files (id) ON DELETE CASCADE,
    CHECK (num_nonnulls(entry_id, section_id, file_id) = 1)
);
