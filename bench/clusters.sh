#!/usr/bin/env bash
# A commune's menu-and-footer query (every page not in a cache runs it) on
# the main cluster and on another cluster, measured in the same run with
# pgbench (one client, prepared): a commune placed on another cluster must
# not pay a round trip to the main one for it. Two databases of the bench
# server stand for the two clusters (`provisioner shards add` prepares the
# second, postgres_fdw included).
#   bench/clusters.sh [SECONDS=5] [ROUNDS=3]
# Prints, per round, the mean latency on main, on the other cluster, and on
# the other cluster with the catalogue read through postgres_fdw (what the
# query did before sql/platform/0014), and their ratios to main.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
SECS=${1:-5}
ROUNDS=${2:-3}
bench_build
export PLATFORM_SQL_DIR=$ROOT/sql
bench_database bench_clusters_main
bench_psql -d postgres -c 'drop database if exists bench_clusters_b with (force)' -c 'create database bench_clusters_b' >/dev/null
"$BIN/provisioner" province add 46 "Thành phố Huế" >/dev/null
"$BIN/provisioner" shards add b --url "postgres://postgres@127.0.0.1:$BENCH_PG_PORT/bench_clusters_b" >&2
"$BIN/provisioner" commune add 19774 "Phường Thuận An" --province 46 --shard b >/dev/null
"$BIN/provisioner" commune add 19777 "Xã Phú Mậu" --province 46 --shard main >/dev/null

# The text of ContentStore.chromeSQL (no section body).
chrome() { # SCHEMA RELATION
  echo "SELECT s.id, s.slug, s.title, s.kind, s.position, s.mandatory, s.legal_basis, s.summary, ''::text AS body, s.starter," \
    "t.publisher, t.responsible_person, t.responsible_title, t.address, t.phone, t.email, t.notice, t.notice_from, t.notice_until," \
    "t.updated_at, t.emc_script, (SELECT content_changed_at FROM $2 WHERE schema_name = '$1') AS content_changed_at" \
    "FROM $1.sections s CROSS JOIN $1.site t ORDER BY s.position, s.id;"
}
W=$BENCH_STATE/clusters; mkdir -p "$W"
chrome c_19777 platform.content_changed >"$W/main.sql"
chrome c_19774 platform.content_changed >"$W/other.sql"
chrome c_19774 platform.tenants >"$W/other-fdw.sql"
PGBENCH=$PG_BIN/pgbench; [ -x "$PGBENCH" ] || PGBENCH=pgbench
latency() { # FILE DATABASE → mean ms
  "$PGBENCH" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -n -M prepared -c 1 -T "$SECS" -f "$1" "$2" 2>/dev/null |
    awk '/latency average/ {print $4}'
}
echo "round  main ms  other ms (×main)  other, catalogue via postgres_fdw ms (×main)"
for round in $(seq 1 "$ROUNDS"); do
  m=$(latency "$W/main.sql" bench_clusters_main)
  o=$(latency "$W/other.sql" bench_clusters_b)
  f=$(latency "$W/other-fdw.sql" bench_clusters_b)
  python3 -c "import sys; m, o, f = map(float, sys.argv[1:]); print('%5d  %7.3f  %8.3f (%.2f×)  %8.3f (%.2f×)' % ($round, m, o, o / m, f, f / m))" "$m" "$o" "$f"
done
