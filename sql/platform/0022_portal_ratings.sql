-- Citizens' ratings of a province's or district's portal (Decree 224/2026,
-- Art. 10(3)(b)), as platform.ratings holds those of a commune's site:
-- two scores 1…5 (at least one) and a remark; nothing that names who sent it.
CREATE TABLE platform.portal_ratings (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint      NOT NULL REFERENCES platform.units (id),
    information smallint    CHECK (information BETWEEN 1 AND 5),
    services    smallint    CHECK (services BETWEEN 1 AND 5),
    remark      text        NOT NULL DEFAULT '' CHECK (length(remark) <= 1000),
    rated_on    date        NOT NULL DEFAULT current_date,
    CHECK (information IS NOT NULL OR services IS NOT NULL)
);
CREATE INDEX portal_ratings_unit ON platform.portal_ratings (unit_id, rated_on DESC);
