-- Province and district portals, and what the province keeps once for all
-- its communes.
--
-- platform.gathered: the latest news and documents of every commune, one
-- row per published item, kept by a trigger on each commune's entries in
-- the transaction that publishes (tenant migration 0005). A portal reads
-- one index instead of querying its communes' schemas.
CREATE TABLE platform.gathered (
    tenant_id    bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    entry_id     bigint      NOT NULL,
    province_id  bigint      NOT NULL REFERENCES platform.units (id),
    district_id  bigint      REFERENCES platform.units (id),
    section_id   smallint    NOT NULL,
    kind         text        NOT NULL,
    title        text        NOT NULL,
    summary      text        NOT NULL,
    doc_number   text,
    published_at timestamptz NOT NULL,
    is_sample    boolean     NOT NULL,
    PRIMARY KEY (tenant_id, entry_id)
);
CREATE INDEX gathered_province ON platform.gathered (province_id, section_id, published_at DESC);
CREATE INDEX gathered_district ON platform.gathered (district_id, section_id, published_at DESC)
    WHERE district_id IS NOT NULL;

-- Sections gathered: news (4) and documents (6).
CREATE FUNCTION platform.gather_entry() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tenant   bigint;
    parent   bigint;
    province bigint;
    district bigint;
    lvl      text;
    up       bigint;
BEGIN
    SELECT unit_id INTO tenant FROM platform.tenants WHERE schema_name = TG_TABLE_SCHEMA;
    IF tenant IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM platform.gathered WHERE tenant_id = tenant AND entry_id = OLD.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'published' AND NEW.section_id IN (4, 6) THEN
        SELECT u.parent_id INTO parent FROM platform.units u WHERE u.id = tenant;
        SELECT level, parent_id INTO lvl, up FROM platform.units WHERE id = parent;
        IF lvl = 'district' THEN
            district := parent;
            province := up;
        ELSE
            province := parent;
        END IF;
        IF province IS NULL THEN
            RETURN NULL;
        END IF;
        INSERT INTO platform.gathered (tenant_id, entry_id, province_id, district_id, section_id, kind, title, summary,
                                       doc_number, published_at, is_sample)
        VALUES (tenant, NEW.id, province, district, NEW.section_id, NEW.kind, NEW.title, left(NEW.summary, 400),
                NEW.doc_number, NEW.published_at, NEW.is_sample);
    END IF;
    RETURN NULL;
END $$;

-- "Tin từ tỉnh": announcements a province publishes once; every commune of
-- the province shows them, naming the province as their source.
CREATE TABLE platform.announcements (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    province_id  bigint      NOT NULL REFERENCES platform.units (id),
    title        text        NOT NULL CHECK (title <> '' AND length(title) <= 300),
    summary      text        NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    body         text        NOT NULL DEFAULT '',  -- sanitised HTML
    author       text        NOT NULL DEFAULT '',
    published_at timestamptz NOT NULL DEFAULT now(),
    withdrawn    boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX announcements_province ON platform.announcements (province_id, published_at DESC);

-- A notice on every site of the platform (planned maintenance), set by the
-- province operator. Every host reloads its directory when it changes.
CREATE TABLE platform.notice (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    text       text        NOT NULL CHECK (length(text) <= 1000),
    shown_from timestamptz,
    shown_until timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER notice_notify AFTER INSERT OR UPDATE OR DELETE ON platform.notice
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();

-- The province's catalogue of commune-level administrative procedures
-- (thủ tục hành chính), kept once and shown by every commune of the
-- province. The national portal's page of each is built from its code.
CREATE TABLE platform.procedures (
    province_id     bigint      NOT NULL REFERENCES platform.units (id),
    code            text        NOT NULL CHECK (code ~ '^[0-9]\.[0-9]{6}$'),
    name            text        NOT NULL CHECK (name <> '' AND length(name) <= 500),
    field           text        NOT NULL CHECK (field <> '' AND length(field) <= 200),
    service_level   text        NOT NULL DEFAULT '' CHECK (service_level IN ('toàn trình', 'một phần', '')),  -- '' not stated
    body            text        NOT NULL DEFAULT '' CHECK (length(body) <= 300),  -- cơ quan thực hiện
    processing_time text        NOT NULL DEFAULT '' CHECK (length(processing_time) <= 300),
    fee             text        NOT NULL DEFAULT '' CHECK (length(fee) <= 2000),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (province_id, code)
);

-- The compliance audit's history: one row per commune and run, with every
-- check's result, so a district or province sees trends.
CREATE TABLE platform.audit_runs (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    ran_at     timestamptz NOT NULL DEFAULT now(),
    passed     integer     NOT NULL,
    failed     integer     NOT NULL,
    compliant  boolean     NOT NULL,
    checks     jsonb       NOT NULL
);
CREATE INDEX audit_runs_tenant ON platform.audit_runs (tenant_id, ran_at DESC);

-- The scheduled audit's rounds: the host that claims a round runs it.
CREATE TABLE platform.audit_schedule (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    started_at timestamptz NOT NULL
);
