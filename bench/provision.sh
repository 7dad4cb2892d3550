#!/usr/bin/env bash
# Provisioning speed: a whole official list into an empty catalogue.
#   bench/provision.sh [2025|2024] [JOBS=2]
# Prints total time, per-commune median and wall time, database size per
# commune; with PEER_DIR, the django-tenants peer provisions PEER_N=100
# tenants on the same machine as the reference. Leaves the database
# bench_provision_LIST for bench/migrate.sh, bench/memory.sh, bench/crawl.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
LIST=${1:-2025}
JOBS=${2:-2}
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/django-tenants}
DB=bench_provision_$LIST
OUT=$BENCH_STATE/provision-$LIST.md

bench_build
bench_database "$DB"
SIZE0=$(bench_psql -d "$DB" -c "select pg_database_size(current_database())")
START=$(date +%s.%N)
"$BIN/provisioner" import "$ROOT/data/vn-admin-units-$LIST.csv" --jobs "$JOBS" | tee "$BENCH_STATE/provision-$LIST.log"
END=$(date +%s.%N)
COUNT=$(bench_psql -d "$DB" -c "select count(*) from platform.tenants")
SIZE1=$(bench_psql -d "$DB" -c "select pg_database_size(current_database())")
RELS=$(bench_psql -d "$DB" -c "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'c_' || lpad((select min(code) from platform.units where level = 'commune')::text, 5, '0')")
PEER_LINE=""
if [ -d "$PEER_DIR" ] && [ "${SKIP_PEER:-0}" != 1 ]; then
  PEER_N=${PEER_N:-100}
  rm -rf "$BENCH_STATE/peer-provision"
  STATE=$BENCH_STATE/peer-provision PGPORT=55434 "$PEER_DIR/run.sh" "$PEER_N" 18092 >&2 || true
  PEER_LINE=$(python3 - "$BENCH_STATE/peer-provision/provision-clone.csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
per = [float(r["schema_s"]) + float(r["domain_seed_s"]) for r in rows]
print(f"{len(rows)} tenants, median {statistics.median(per)*1000:.0f} ms per tenant (clone mode, schema + domain + seed)")
PY
)
  STATE=$BENCH_STATE/peer-provision "$PEER_DIR/stop.sh" >/dev/null 2>&1 || true
fi
{
  echo "### bench/provision.sh $LIST --jobs $JOBS, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  tail -1 "$BENCH_STATE/provision-$LIST.log"
  awk -v s="$START" -v e="$END" -v n="$COUNT" -v a="$SIZE0" -v b="$SIZE1" -v r="$RELS" 'BEGIN {
    printf "- %d communes in %.1f s (%.1f ms wall per commune, %.0f communes/s)\n", n, e - s, 1000 * (e - s) / n, n / (e - s)
    printf "- database size: %.0f KiB per commune (%.0f MiB in all); %d relations per commune schema\n", (b - a) / n / 1024, b / 1048576, r }'
  if [ -n "$PEER_LINE" ]; then
    echo "- reference, django-tenants peer on the same machine: $PEER_LINE"
    ours=$(sed -n 's/.*median \([0-9.]*\) ms per commune.*/\1/p' "$BENCH_STATE/provision-$LIST.log" | tail -1)
    peer=$(echo "$PEER_LINE" | sed -n 's/.*median \([0-9.]*\) ms per tenant.*/\1/p')
    awk -v o="$ours" -v p="$peer" 'BEGIN { if (o > 0) printf "- median per commune: %.1f ms against the peer'"'"'s %.0f ms: %.1fx faster (target under 25 ms)\n", o, p, p / o }'
  fi
} | tee "$OUT"
