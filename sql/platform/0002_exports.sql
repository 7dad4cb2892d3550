-- Export and restore of one commune: its whole schema as JSON, and a record
-- of each export so that a commune is only deleted once it has been saved.

CREATE TABLE platform.exports (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_code    integer     NOT NULL,
    schema_name     text        NOT NULL,
    file            text        NOT NULL,
    content_version bigint      NOT NULL,
    bytes           bigint      NOT NULL,
    exported_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exports_commune ON platform.exports (commune_code, exported_at DESC);

-- Every table of a commune schema as {"table": [rows…]}.
CREATE FUNCTION platform.export_schema(schema_name text) RETURNS jsonb
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    result jsonb := '{}'::jsonb;
    rows   jsonb;
    t      record;
BEGIN
    IF schema_name !~ '^c_[0-9]{5,8}$' THEN
        RAISE EXCEPTION 'invalid schema name %', schema_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = schema_name ORDER BY tablename LOOP
        EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(x)), ''[]''::jsonb) FROM %I.%I x', schema_name, t.tablename)
            INTO rows;
        result := result || jsonb_build_object(t.tablename, rows);
    END LOOP;
    RETURN result;
END $$;

-- Loads rows exported by export_schema into an empty schema of the same
-- version: referenced tables first, generated columns recomputed, identity
-- sequences moved past the restored ids. Returns the number of rows.
CREATE FUNCTION platform.import_schema(schema_name text, tables jsonb) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    pending text[];
    done    text[] := '{}';
    t       text;
    cols    text;
    n       bigint;
    total   bigint := 0;
    progressed boolean;
    seq     record;
BEGIN
    IF schema_name !~ '^c_[0-9]{5,8}$' THEN
        RAISE EXCEPTION 'invalid schema name %', schema_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT array_agg(key) INTO pending FROM jsonb_object_keys(tables) AS key;
    FOREACH t IN ARRAY coalesce(pending, '{}') LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = schema_name AND tablename = t) THEN
            RAISE EXCEPTION 'the export has a table % that schema % does not have', t, schema_name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    WHILE coalesce(array_length(pending, 1), 0) > 0 LOOP
        progressed := false;
        FOREACH t IN ARRAY pending LOOP
            -- wait until every table this one references (in the schema) is loaded
            CONTINUE WHEN EXISTS (
                SELECT 1 FROM pg_constraint c
                  JOIN pg_class r ON r.oid = c.confrelid
                  JOIN pg_namespace ns ON ns.oid = r.relnamespace
                 WHERE c.contype = 'f' AND c.conrelid = format('%I.%I', schema_name, t)::regclass
                   AND ns.nspname = schema_name AND r.relname <> t AND NOT (r.relname = ANY (done)));
            SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
              FROM pg_attribute
             WHERE attrelid = format('%I.%I', schema_name, t)::regclass AND attnum > 0 AND NOT attisdropped
               AND attgenerated = '';
            EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s FROM jsonb_populate_recordset(NULL::%I.%I, $1)',
                           schema_name, t, cols, cols, schema_name, t)
                USING tables -> t;
            GET DIAGNOSTICS n = ROW_COUNT;
            total := total + n;
            done := done || t;
            pending := array_remove(pending, t);
            progressed := true;
        END LOOP;
        IF NOT progressed THEN
            RAISE EXCEPTION 'cannot order tables % by their references', pending;
        END IF;
    END LOOP;
    FOR seq IN
        SELECT a.attname, c.relname
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace
         WHERE ns.nspname = schema_name AND a.attidentity <> '' AND c.relkind = 'r'
    LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), greatest(coalesce(max(%I), 0), 1), max(%I) IS NOT NULL) FROM %I.%I',
                       format('%I.%I', schema_name, seq.relname), seq.attname, seq.attname, seq.attname,
                       schema_name, seq.relname);
    END LOOP;
    RETURN total;
END $$;
