-- What a citizen needs from a procedure's own page: its steps, the ways to
-- apply, the documents, the forms, the result, the legal basis, and the
-- procedure's page on the National Public Service Portal when known. Lists
-- hold one item per line.
ALTER TABLE platform.procedures
    ADD COLUMN steps       text NOT NULL DEFAULT '' CHECK (length(steps) <= 6000),
    ADD COLUMN channels    text NOT NULL DEFAULT '' CHECK (length(channels) <= 3000),
    ADD COLUMN documents   text NOT NULL DEFAULT '' CHECK (length(documents) <= 6000),
    ADD COLUMN legal_basis text NOT NULL DEFAULT '' CHECK (length(legal_basis) <= 3000),
    ADD COLUMN forms       text NOT NULL DEFAULT '' CHECK (length(forms) <= 3000),
    ADD COLUMN result      text NOT NULL DEFAULT '' CHECK (length(result) <= 1000),
    ADD COLUMN link        text NOT NULL DEFAULT '' CHECK (link = '' OR (link LIKE 'https://%' AND length(link) <= 500));
