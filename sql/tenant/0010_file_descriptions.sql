-- why: an image's description (alt text) was typed again every time the
-- image was used. A library file now keeps one; the editor's dialog and the
-- featured-image field offer it.
ALTER TABLE files ADD COLUMN alt text NOT NULL DEFAULT '' CHECK (length(alt) <= 300);
