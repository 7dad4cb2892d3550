-- Citizens' satisfaction with a site's information and its services
-- (Decree 224/2026, Art. 10(3)(b)): scores and an optional remark, kept
-- by day and with nothing that names the rater.
CREATE TABLE platform.ratings (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint      NOT NULL REFERENCES platform.tenants (unit_id) ON DELETE CASCADE,
    information smallint    CHECK (information BETWEEN 1 AND 5),
    services    smallint    CHECK (services BETWEEN 1 AND 5),
    remark      text        NOT NULL DEFAULT '' CHECK (length(remark) <= 1000),
    rated_on    date        NOT NULL DEFAULT current_date,
    CHECK (information IS NOT NULL OR services IS NOT NULL)
);
CREATE INDEX ratings_tenant ON platform.ratings (tenant_id, rated_on DESC);
