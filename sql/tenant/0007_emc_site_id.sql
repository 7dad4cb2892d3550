-- why: the EMC field took the address of any https script, and the page's
-- policy then allowed that origin: an editor could run any script on the
-- commune's pages. A site now keeps only the numeric id the EMC system
-- issued for it; the script it loads is the platform's setting
-- (platform.settings). The addresses kept until now are cleared (each
-- site's editor enters its id); the old column stays, empty, until no host
-- of the previous version reads it (zero-downtime upgrades).
UPDATE site SET emc_script = '' WHERE emc_script <> '';
ALTER TABLE site ADD COLUMN emc_site_id text NOT NULL DEFAULT '' CHECK (emc_site_id ~ '^([1-9][0-9]{0,11})?$');
