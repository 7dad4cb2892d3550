-- Keep what the editor wrote (Markdown or HTML) beside the sanitised HTML
-- that pages show, so that editing an entry or a page opens the editor's
-- own text again instead of the HTML made from it.

ALTER TABLE entries
    ADD COLUMN body_source text NOT NULL DEFAULT '',
    ADD COLUMN body_format text NOT NULL DEFAULT 'html' CHECK (body_format IN ('markdown', 'html'));

ALTER TABLE sections
    ADD COLUMN body_source text NOT NULL DEFAULT '',
    ADD COLUMN body_format text NOT NULL DEFAULT 'html' CHECK (body_format IN ('markdown', 'html'));
