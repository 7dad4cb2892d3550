-- why: an item typed for an hour was lost with its browser tab. The entry
-- form sends what is typed every few seconds; it is kept here, apart from
-- the item's revisions (one row per person, item and browser tab, replaced
-- each time), offered back on the next visit and removed by the next real
-- save (or after 30 days, with the trash).
CREATE TABLE autosaves (
    user_id    bigint      NOT NULL,
    user_name  text        NOT NULL,
    entry_id   bigint      NOT NULL DEFAULT 0,  -- 0: a new item, not saved yet
    section_id integer     NOT NULL,
    kind       text        NOT NULL,
    tab        text        NOT NULL,            -- which browser tab sent it
    fields     jsonb       NOT NULL,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, entry_id, tab)
);
CREATE INDEX autosaves_entry ON autosaves (entry_id, saved_at);
