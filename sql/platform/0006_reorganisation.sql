-- Identity over time: the 2025 reorganisation reused 3,310 of the 10,051
-- codes of 2024 communes for other communes, so a code names a unit only
-- together with its list. `list` is the official list a unit comes from;
-- `valid_until` is the last day it existed (NULL: it still does). Codes are
-- unique among current units and within a list.
ALTER TABLE platform.units
    ADD COLUMN list smallint NOT NULL DEFAULT 2024 CHECK (list IN (2024, 2025)),
    ADD COLUMN valid_until date;

-- Units imported before this migration: the 2025 list has no districts, so
-- a commune directly under a province, and a province with communes but no
-- districts, come from it.
UPDATE platform.units c SET list = 2025
  FROM platform.units p
 WHERE c.level = 'commune' AND c.parent_id = p.id AND p.level = 'province';
UPDATE platform.units p SET list = 2025
 WHERE p.level = 'province'
   AND EXISTS (SELECT 1 FROM platform.units c WHERE c.parent_id = p.id AND c.level = 'commune')
   AND NOT EXISTS (SELECT 1 FROM platform.units d WHERE d.parent_id = p.id AND d.level = 'district');

ALTER TABLE platform.units DROP CONSTRAINT units_level_code_key;
CREATE UNIQUE INDEX units_current_code ON platform.units (level, code) WHERE valid_until IS NULL;
CREATE UNIQUE INDEX units_list_code ON platform.units (level, code, list);

-- A commune that no longer exists keeps its site as a read-only archive
-- inside its successor's: /luu-tru/<archive_slug>/ on the successor's host,
-- and its own hosts answer 301 there.
ALTER TABLE platform.tenants
    ADD COLUMN successor_id bigint REFERENCES platform.tenants (unit_id),
    ADD COLUMN archive_slug text CHECK (archive_slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(archive_slug) <= 80),
    ADD CONSTRAINT tenants_archive_complete CHECK ((successor_id IS NULL) = (archive_slug IS NULL));
CREATE UNIQUE INDEX tenants_archive_slug ON platform.tenants (successor_id, archive_slug) WHERE successor_id IS NOT NULL;

-- Which old unit went into which new one (whole, or a part of it), as a
-- reorganisation recorded it: the successor's home page lists them.
CREATE TABLE platform.unit_successors (
    old_unit_id bigint  NOT NULL REFERENCES platform.units (id),
    new_unit_id bigint  NOT NULL REFERENCES platform.units (id),
    share       text    NOT NULL CHECK (share IN ('whole', 'part')),
    is_primary  boolean NOT NULL,
    PRIMARY KEY (old_unit_id, new_unit_id)
);
CREATE INDEX unit_successors_new ON platform.unit_successors (new_unit_id);

-- Reorganisation plans applied (or being applied) to this catalogue.
CREATE TABLE platform.reorganisations (
    plan_id      text        PRIMARY KEY,
    fingerprint  text        NOT NULL,
    retired_at   timestamptz,
    finished_at  timestamptz,
    summary      text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The directory reloads when a commune is archived into another.
DROP TRIGGER tenants_notify ON platform.tenants;
CREATE TRIGGER tenants_notify AFTER INSERT OR UPDATE OF status, status_note, schema_name, successor_id, archive_slug OR DELETE
    ON platform.tenants FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();
