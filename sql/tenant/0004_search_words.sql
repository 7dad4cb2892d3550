-- Search over words: document numbers such as 125/QĐ-UBND are found by
-- their number and by each part of their symbol (platform.search_words).
-- A stored generated column cannot change its expression in PostgreSQL 15:
-- drop it and add it again (every row is indexed anew).

ALTER TABLE sections DROP COLUMN search;
ALTER TABLE sections ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', platform.search_words(
        title || ' ' || summary || ' ' || regexp_replace(body, '<[^>]*>', ' ', 'g')))
) STORED;

ALTER TABLE entries DROP COLUMN search;
ALTER TABLE entries ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', platform.search_words(
        title || ' ' || summary || ' ' || coalesce(doc_number, '') || ' '
        || coalesce(issuer, '') || ' ' || coalesce(field, '') || ' '
        || regexp_replace(body, '<[^>]*>', ' ', 'g')))
) STORED;
CREATE INDEX entries_search ON entries USING gin (search);
