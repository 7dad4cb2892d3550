#!/usr/bin/env bash
# Fleet migration: an additive sql/tenant change applied to every commune
# schema of a database left by bench/provision.sh.
#   bench/migrate.sh [2024|2025] [JOBS=2]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
LIST=${1:-2024}
JOBS=${2:-2}
DB=bench_provision_$LIST
OUT=$BENCH_STATE/migrate-$LIST.md
bench_build
pg_start "$BENCH_STATE/pg" "$BENCH_PG_PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/$DB"
COUNT=$(bench_psql -d "$DB" -c "select count(*) from platform.tenants")
SQL=$BENCH_STATE/sql-migrate
rm -rf "$SQL"; cp -r "$ROOT/sql" "$SQL"
NEXT=$(printf "%04d" $(( $(ls "$SQL/tenant" | wc -l) + 1 )))
cat >"$SQL/tenant/${NEXT}_bench_additive.sql" <<'SQLX'
ALTER TABLE entries ADD COLUMN bench_note text;
ALTER TABLE site ADD COLUMN bench_flag boolean NOT NULL DEFAULT false;
SQLX
START=$(date +%s.%N)
PLATFORM_SQL_DIR=$SQL "$BIN/provisioner" migrate --jobs "$JOBS" | tee "$BENCH_STATE/migrate-$LIST.log"
END=$(date +%s.%N)
{
  echo "### bench/migrate.sh $LIST --jobs $JOBS, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  tail -1 "$BENCH_STATE/migrate-$LIST.log"
  awk -v s="$START" -v e="$END" -v n="$COUNT" 'BEGIN { printf "- %d schemas: %.1f s, %.2f ms per schema\n", n, e - s, 1000 * (e - s) / n }'
} | tee "$OUT"
