-- why: images were served as uploaded (a 2400×1350 PNG to a phone, with
-- its metadata). Each image upload is now stored without its metadata and
-- with WebP copies a few widths wide (libvips), for srcset.
CREATE TABLE file_variants (
    file_id      bigint  NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    width        integer NOT NULL CHECK (width > 0),
    content_type text    NOT NULL,
    size         integer NOT NULL,
    data         bytea   NOT NULL,
    PRIMARY KEY (file_id, width)
);
