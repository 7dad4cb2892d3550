-- The platform catalogue: administrative units (a hierarchy kept as parent
-- links, because the 2025 reform removed the district level), the communes
-- that are tenants with their own schema, and the host names they answer on.

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE SCHEMA IF NOT EXISTS platform;

-- Applied versions of sql/platform (schema_name = 'platform') and of
-- sql/tenant in every commune schema (schema_name = 'c_NNNNN').
CREATE TABLE platform.schema_migrations (
    schema_name text        NOT NULL,
    version     integer     NOT NULL,
    name        text        NOT NULL,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (schema_name, version)
);

-- Runs a multi-statement script (a tenant migration) in one round trip,
-- inside the caller's transaction and with the caller's search_path.
CREATE FUNCTION platform.run_script(script text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE script;
END $$;

-- Case- and diacritic-insensitive folding used by every search index:
-- fold('Hải Hậu') = 'hai hau'. IMMUTABLE so generated columns can use it;
-- the unaccent dictionary is named explicitly so search_path never matters.
CREATE FUNCTION platform.fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1));

CREATE TABLE platform.units (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level       text        NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    code        integer     NOT NULL CHECK (code BETWEEN 1 AND 99999999),
    parent_id   bigint      REFERENCES platform.units (id),
    name        text        NOT NULL CHECK (name <> '' AND name = normalize(name, NFC) AND length(name) <= 200),
    kind        text        NOT NULL CHECK (kind <> ''),
    slug        text        NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 63),
    portal_url  text        CHECK (portal_url ~ '^https?://[^\s<>"]+$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (level, code),
    CHECK ((level = 'province') = (parent_id IS NULL))
);
CREATE INDEX units_parent ON platform.units (parent_id);

-- A district hangs under a province; a commune under a district or, since
-- 1 July 2025, directly under a province.
CREATE FUNCTION platform.check_unit_parent() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    parent_level text;
BEGIN
    IF NEW.parent_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT level INTO parent_level FROM platform.units WHERE id = NEW.parent_id;
    IF (NEW.level = 'district' AND parent_level <> 'province')
       OR (NEW.level = 'commune' AND parent_level NOT IN ('province', 'district')) THEN
        RAISE EXCEPTION 'a % cannot be placed under a %', NEW.level, parent_level
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER units_parent_level BEFORE INSERT OR UPDATE OF parent_id, level ON platform.units
    FOR EACH ROW EXECUTE FUNCTION platform.check_unit_parent();

-- A commune that has a site: its schema, lifecycle status and versions.
CREATE TABLE platform.tenants (
    unit_id            bigint      PRIMARY KEY REFERENCES platform.units (id),
    schema_name        text        NOT NULL UNIQUE CHECK (schema_name ~ '^c_[0-9]{5,8}$'),
    status             text        NOT NULL DEFAULT 'active'
                                   CHECK (status IN ('active', 'suspended', 'archived')),
    status_note        text        NOT NULL DEFAULT '',
    shard              text        NOT NULL DEFAULT 'main',
    schema_version     integer     NOT NULL DEFAULT 0,
    content_version    bigint      NOT NULL DEFAULT 1,
    content_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- Host names, already normalised (lower case, no port, no trailing dot,
-- IDN labels in punycode). One primary per commune; 'redirect' hosts answer
-- 301 to the primary; 'dev' hosts (e.g. *.localhost) serve the site directly.
CREATE TABLE platform.domains (
    host       text        PRIMARY KEY
               CHECK (length(host) <= 253
                      AND host ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    tenant_id  bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('primary', 'redirect', 'dev')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX domains_one_primary ON platform.domains (tenant_id) WHERE role = 'primary';
CREATE INDEX domains_tenant ON platform.domains (tenant_id);

-- Every host process keeps the domain map in memory and reloads it when
-- this channel fires; no catalogue query runs per request.
CREATE FUNCTION platform.notify_catalogue() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('platform_catalogue', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER units_notify AFTER INSERT OR UPDATE OR DELETE ON platform.units
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();
CREATE TRIGGER tenants_notify AFTER INSERT OR UPDATE OF status, status_note, schema_name OR DELETE ON platform.tenants
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();
CREATE TRIGGER domains_notify AFTER INSERT OR UPDATE OR DELETE ON platform.domains
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();

-- Marks a commune's content as changed: page caches of every host process
-- drop that commune's pages when 'tenant_content' fires with its id.
CREATE FUNCTION platform.touch_tenant(tenant bigint) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    version bigint;
BEGIN
    UPDATE platform.tenants
       SET content_version = content_version + 1, content_changed_at = now()
     WHERE unit_id = tenant
    RETURNING content_version INTO version;
    PERFORM pg_notify('tenant_content', tenant::text);
    RETURN version;
END $$;
