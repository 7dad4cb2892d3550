-- The tables public pages read get statistics from the start. A table
-- never analysed (reltuples -1) makes the planner estimate its size from
-- the width of every column, one pg_statistic lookup per column, on each
-- connection's first read of the commune: 46 for entries. Analysed, even
-- empty, its size is read from pg_class. Autovacuum keeps them current once
-- a commune has content; a new commune gets the same from provisioning,
-- after its sections are seeded.
ANALYZE sections, entries, site;
