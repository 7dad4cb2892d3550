-- Search finds people by their office: "chu tich" finds the commune's
-- chairman (a leader's position title), and a document by its signer and
-- its type. A stored generated column cannot change its expression in
-- PostgreSQL 15: drop it and add it again (every row is indexed anew).

ALTER TABLE entries DROP COLUMN search;
ALTER TABLE entries ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', platform.search_words(
        title || ' ' || summary || ' ' || coalesce(doc_number, '') || ' '
        || coalesce(doc_type, '') || ' ' || coalesce(issuer, '') || ' ' || coalesce(signer, '') || ' '
        || coalesce(field, '') || ' ' || coalesce(position_title, '') || ' '
        || regexp_replace(body, '<[^>]*>', ' ', 'g')))
) STORED;
CREATE INDEX entries_search ON entries USING gin (search);
