-- The text that full-text search indexes and queries: folded (no
-- diacritics, lower case), with the punctuation inside document numbers and
-- paths turned into spaces. PostgreSQL's parser reads "125/qd-ubnd" as one
-- file-path token, so "125/QD" never found "125/QĐ-UBND"; as words, the
-- number and each part of its symbol are found on their own.
CREATE FUNCTION platform.search_words(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(platform.fold($1), '[/._:-]+', ' ', 'g');
