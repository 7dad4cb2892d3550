#!/usr/bin/env bash
# The province portal at the whole 2025 list (issue 12), in one run:
#   the portal home of the province with the most communes (news and
#   documents gathered from platform.gathered, announcements), its commune
#   directory (/xa-phuong, from memory), and, as the reference, ordinary
#   commune home pages rendered without a page cache on the same host.
#
#   bench/portal.sh [CONNECTIONS=32]
#
# SAMPLE_PROVINCES="38 40 …" (province codes) gives sample content to those
# provinces only instead of every commune (--all). Every row is uncached:
# one tenant-host with PAGE_CACHE_MB=0 (the portal never uses the page cache
# anyway) and no compliance audit (AUDIT_INTERVAL_HOURS=0). Prints a table
# (req/s, p50, p99, CPU ms per request of the host and of PostgreSQL, host
# RSS), the ratios portal ÷ commune page, the size of platform.gathered and
# EXPLAIN ANALYZE of the two gathered queries, and writes it all to
# $BENCH_STATE/portal.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
CONNS=${1:-32}
DURATION=${DURATION:-10}
DB=bench_portal
OUT=$BENCH_STATE/portal.md
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

bench_need wrk wrk
bench_build
bench_database "$DB"
T0=$(date +%s.%N)
"$BIN/provisioner" import "$ROOT/data/vn-admin-units-2025.csv" --jobs 2 >&2
T1=$(date +%s.%N)
q() { bench_psql -d "$DB" -c "$1"; }
if [ -n "${SAMPLE_PROVINCES:-}" ]; then
  args=(); for p in $SAMPLE_PROVINCES; do args+=(--province "$p"); done
  blog "sample content for provinces $SAMPLE_PROVINCES"
  "$BIN/provisioner" sample-content "${args[@]}" --jobs 2 >&2
else
  blog "sample content for every commune"
  "$BIN/provisioner" sample-content --all --jobs 2 >&2
fi
T2=$(date +%s.%N)
blog "import $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}') s, sample content $(awk -v a="$T1" -v b="$T2" 'BEGIN{printf "%.1f", b-a}') s"
q "analyze platform.gathered" >/dev/null

# The province with the most active communes, and its hosts.
read -r PROV_ID PROV_CODE PROV_SLUG PROV_N < <(q "
  select p.id || ' ' || p.code || ' ' || p.slug || ' ' || count(*)
    from platform.tenants t join platform.units c on c.id = t.unit_id join platform.units p on p.id = c.parent_id
   where t.status = 'active' and p.level = 'province'
   group by p.id, p.code, p.slug order by count(*) desc, p.code limit 1")
PORTAL_HOST=$PROV_SLUG.localhost
PROV_NAME=$(q "select name from platform.units where id = $PROV_ID")
blog "province $PROV_NAME ($PROV_CODE, $PROV_N communes): $PORTAL_HOST"
# Five published announcements, so the home page shows its third list.
q "insert into platform.announcements (province_id, title, summary, body, author, published_at)
   select $PROV_ID, 'Thông báo của tỉnh số ' || i, 'Tóm tắt thông báo số ' || i || ' gửi các xã, phường.',
          '<p>Nội dung thông báo số ' || i || '.</p>', 'Văn phòng UBND tỉnh', now() - i * interval '1 day'
     from generate_series(1, 5) i" >/dev/null
echo "$PORTAL_HOST" >"$BENCH_STATE/portal-host.txt"
q "select d.host from platform.domains d join platform.tenants t on t.unit_id = d.tenant_id
    join platform.units c on c.id = t.unit_id
   where d.role = 'dev' and t.status = 'active' and c.parent_id = $PROV_ID order by d.host" >"$BENCH_STATE/portal-communes.txt"
q "select d.host from platform.domains d join platform.tenants t on t.unit_id = d.tenant_id
    where d.role = 'dev' and t.status = 'active' order by d.host" >"$BENCH_STATE/portal-all-communes.txt"

# No compliance audit: its first round starts 30 s after start-up, renders
# every commune's pages in the host and would run during the rows below
# (and its sleep keeps the host from stopping on SIGTERM).
AUDIT_INTERVAL_HOURS=0 LOG_LEVEL=warning PORT=18081 PAGE_CACHE_MB=0 "$BIN/tenant-host" >"$BENCH_STATE/host-portal.log" 2>&1 &
PIDS+=($!); HOST_PID=$!
wait_http "http://127.0.0.1:18081/" "$PORTAL_HOST"
# Warm once: the portal's pages and every commune's home.
for path in / /xa-phuong; do curl -fsS -o /dev/null -H "Host: $PORTAL_HOST" "http://127.0.0.1:18081$path"; done
"$ROOT/bench/warm.py" 18081 "$BENCH_STATE/portal-all-communes.txt" /
curl -fsS -H "Host: $PORTAL_HOST" http://127.0.0.1:18081/ >"$BENCH_STATE/portal-home.html"
curl -fsS -H "Host: $PORTAL_HOST" http://127.0.0.1:18081/xa-phuong >"$BENCH_STATE/portal-directory.html"
curl -fsS -H "Host: $(head -1 "$BENCH_STATE/portal-communes.txt")" http://127.0.0.1:18081/ >"$BENCH_STATE/portal-commune-home.html"

PG=$(pg_master_pid)
{
  echo "### bench/portal.sh $CONNS connections, ${DURATION}s, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "$(q "select count(*) from platform.tenants where status = 'active'") communes; import $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}') s;" \
       "sample content ${SAMPLE_PROVINCES:+(provinces $SAMPLE_PROVINCES) }$(awk -v a="$T1" -v b="$T2" 'BEGIN{printf "%.1f", b-a}') s"
  echo "province: $PROV_NAME (code $PROV_CODE, $PROV_N communes), http://$PORTAL_HOST/"
  echo "pages: portal home $(wc -c <"$BENCH_STATE/portal-home.html") bytes, directory $(wc -c <"$BENCH_STATE/portal-directory.html") bytes, commune home $(wc -c <"$BENCH_STATE/portal-commune-home.html") bytes"
  echo
  echo "| what | req/s | p50 ms | p99 ms | host CPU ms/req | PostgreSQL CPU ms/req | host RSS MiB | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  bench_measure "portal-home" http://127.0.0.1:18081 "$HOST_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/portal-host.txt" /
  bench_measure "portal-directory" http://127.0.0.1:18081 "$HOST_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/portal-host.txt" /xa-phuong
  bench_measure "commune-home-same-province" http://127.0.0.1:18081 "$HOST_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/portal-communes.txt" /
  bench_measure "commune-home-any-province" http://127.0.0.1:18081 "$HOST_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/portal-all-communes.txt" /
} | tee "$OUT.rows"

python3 - "$OUT.rows" <<'PY' | tee -a "$OUT.rows"
import sys
rows = {}
for line in open(sys.argv[1]):
    parts = [p.strip() for p in line.split("|")]
    if len(parts) > 3 and parts[1] and parts[2].replace(".", "").isdigit():
        rows[parts[1]] = float(parts[2])
def ratio(a, b):
    return f"{rows[a] / rows[b]:.2f}x" if a in rows and b in rows and rows[b] else "n/a"
print()
for page in ("portal-home", "portal-directory"):
    print(f"- {page} / commune home (same province): {ratio(page, 'commune-home-same-province')}; "
          f"/ commune home (any province): {ratio(page, 'commune-home-any-province')}")
PY

{
  echo
  echo "platform.gathered: $(q "select count(*) from platform.gathered") rows in all," \
       "$(q "select count(*) from platform.gathered where province_id = $PROV_ID") for this province;" \
       "$(q "select pg_size_pretty(pg_total_relation_size('platform.gathered'))") with indexes"
  for section in "4 12" "6 10"; do
    set -- $section
    echo
    echo "EXPLAIN (ANALYZE, BUFFERS), section $1, limit $2:"
    echo '```'
    q "EXPLAIN (ANALYZE, BUFFERS)
       SELECT g.tenant_id, g.entry_id, g.section_id::int, g.kind, g.title, g.summary, g.doc_number, g.published_at, g.is_sample
         FROM platform.gathered g
         JOIN platform.tenants t ON t.unit_id = g.tenant_id AND t.status = 'active'
        WHERE g.province_id = $PROV_ID AND g.section_id = $1 AND g.published_at <= now()
        ORDER BY g.published_at DESC, g.tenant_id, g.entry_id
        LIMIT $2"
    echo '```'
  done
} | tee -a "$OUT.rows"
mv "$OUT.rows" "$OUT"
blog "written to $OUT"
