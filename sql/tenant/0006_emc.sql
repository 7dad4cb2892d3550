-- The site's EMC monitoring code (Circular 22/2023): the address of the
-- script the national measurement system issued for this site. When set,
-- pages load it and their Content-Security-Policy allows that origin only.
ALTER TABLE site ADD COLUMN emc_script text NOT NULL DEFAULT ''
    CHECK (emc_script = '' OR (length(emc_script) <= 300 AND emc_script ~ '^https://[a-z0-9.-]+(:[0-9]{1,5})?/[A-Za-z0-9._~/?=&%-]*$'));
