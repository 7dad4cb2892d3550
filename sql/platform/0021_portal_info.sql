-- What a province's or district's portal says in its footer beside the
-- body that runs it (Circular 32/2017, Art. 16(3)(c), as a commune's site):
-- the person responsible and how to reach the portal's editors. Set by the
-- province's operator on /quan-tri/cong-thong-tin.
CREATE TABLE platform.portal_info (
    unit_id            bigint      PRIMARY KEY REFERENCES platform.units (id),
    responsible_person text        NOT NULL DEFAULT '' CHECK (length(responsible_person) <= 120),
    responsible_title  text        NOT NULL DEFAULT '' CHECK (length(responsible_title) <= 120),
    address            text        NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    phone              text        NOT NULL DEFAULT '' CHECK (length(phone) <= 40),
    email              text        NOT NULL DEFAULT '' CHECK (length(email) <= 200),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- Every host keeps these in its directory (a portal's pages read no table
-- for its footer): a change reloads the directory like any catalogue change.
CREATE TRIGGER portal_info_notify AFTER INSERT OR UPDATE OR DELETE ON platform.portal_info
    FOR EACH STATEMENT EXECUTE FUNCTION platform.notify_catalogue();
