#!/usr/bin/env bash
# The 2025 reorganisation, measured: the 2024 provinces that became the
# given 2025 provinces (none: the whole country) are imported with sample
# content in every commune, then `provisioner reorganise plan` and `apply`
# carry them into the 2025 list. Afterwards it checks that nothing was
# lost (rows of every content table of the old communes, before and after,
# per old province) and that every old commune host and every old article
# URL answers 301 to a page that answers 200.
#   bench/reorganise.sh [PROVINCE_2025…] [JOBS=2 env]
#   bench/reorganise.sh 37      # Hà Nam, Nam Định, Ninh Bình → Ninh Bình
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
JOBS=${JOBS:-2}
PROVINCES=("$@")
DB=bench_reorganise
LABEL=${PROVINCES[*]:-all}
OUT=$BENCH_STATE/reorganise-${LABEL// /-}.md
LOG=$BENCH_STATE/reorganise-${LABEL// /-}.log
: >"$LOG"
bench_build
bench_database "$DB"
secs() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

# The 2024 provinces whose communes go (as primary successor) into these 2025 provinces.
OLD_PROVINCES=$(python3 - "$ROOT/data" "${PROVINCES[@]}" <<'PY'
import csv, sys
data, wanted = sys.argv[1], {int(p) for p in sys.argv[2:]}
new_province = {int(r["commune_code"]): int(r["province_code"]) for r in csv.DictReader(open(f"{data}/vn-admin-units-2025.csv"))}
old_province = {int(r["commune_code"]): int(r["province_code"]) for r in csv.DictReader(open(f"{data}/vn-admin-units-2024.csv"))}
olds = set()
for r in csv.DictReader(open(f"{data}/vn-admin-successors-2025.csv")):
    if r["primary"] == "1" and (not wanted or new_province.get(int(r["new_commune_code"])) in wanted):
        olds.add(old_province[int(r["old_commune_code"])])
print(" ".join(str(p) for p in sorted(olds)))
PY
)
blog "2024 provinces: $OLD_PROVINCES"
ARGS=()
if [ ${#PROVINCES[@]} -gt 0 ]; then for p in $OLD_PROVINCES; do ARGS+=(--province "$p"); done; fi
T0=$(date +%s.%N)
"$BIN/provisioner" import "$ROOT/data/vn-admin-units-2024.csv" "${ARGS[@]}" --jobs "$JOBS" >>"$LOG" 2>&1
"$BIN/provisioner" sample-content --all --jobs "$JOBS" >>"$LOG" 2>&1
T1=$(date +%s.%N)
OLD_COMMUNES=$(bench_psql -d "$DB" -c "select count(*) from platform.tenants")

# Rows of every table of the old communes' schemas, per 2024 province: one
# count per table, each its own statement (one statement over 10,051
# schemas would need more locks than PostgreSQL keeps).
counts() {
  bench_psql -d "$DB" -c "
    SELECT format('SELECT %s, count(*) FROM %I.%I;', coalesce(g.code, p.code), t.schema_name, c.relname)
      FROM platform.tenants t JOIN platform.units u ON u.id = t.unit_id AND u.list = 2024
      JOIN platform.units p ON p.id = u.parent_id LEFT JOIN platform.units g ON g.id = p.parent_id
      JOIN pg_namespace s ON s.nspname = t.schema_name
      JOIN pg_class c ON c.relnamespace = s.oid AND c.relkind = 'r'" >"$BENCH_STATE/count-queries.sql"
  bench_psql -d "$DB" -v ON_ERROR_STOP=1 -F ' ' -f "$BENCH_STATE/count-queries.sql" |
    awk '{rows[$1] += $2} END {for (p in rows) print p, rows[p]}' | sort -n
}
counts >"$BENCH_STATE/reorganise-before.txt"
[ -s "$BENCH_STATE/reorganise-before.txt" ] || { blog "no rows counted before"; exit 1; }

# A stand-in for the operator's corrections of the published mapping: each
# old commune without a row goes to the new commune that took most of its
# 2024 district's other communes; an old commune with two primary rows
# keeps the first. (Real corrections come from the province's decisions.)
python3 - "$ROOT/data" >"$BENCH_STATE/operator-rows.csv" <<'PY'
import collections, csv, sys
data = sys.argv[1]
district = {int(r["commune_code"]): int(r["district_code"]) for r in csv.DictReader(open(f"{data}/vn-admin-units-2024.csv"))}
rows = list(csv.DictReader(open(f"{data}/vn-admin-successors-2025.csv")))
primary = collections.defaultdict(list)
for r in rows:
    if r["primary"] == "1": primary[int(r["old_commune_code"])].append(int(r["new_commune_code"]))
placed = {int(r["old_commune_code"]) for r in rows}
by_district = collections.defaultdict(collections.Counter)
for old, news in primary.items():
    by_district[district[old]][news[0]] += 1
print("old_commune_code,new_commune_code,share,primary")
for old, news in sorted(primary.items()):
    for new in news[1:]:
        print(f"{old},{new},part,0")
for old in sorted(set(district) - placed):
    counter = by_district.get(district[old])
    if counter:
        print(f"{old},{counter.most_common(1)[0][0]},whole,1")
PY
OPERATOR_ROWS=$(($(wc -l <"$BENCH_STATE/operator-rows.csv") - 1))

PLAN_ARGS=()
for p in "${PROVINCES[@]}"; do PLAN_ARGS+=(--province "$p"); done
T2=$(date +%s.%N)
"$BIN/provisioner" reorganise plan --to "$ROOT/data/vn-admin-units-2025.csv" --successors "$ROOT/data/vn-admin-successors-2025.csv" \
  --successors "$BENCH_STATE/operator-rows.csv" \
  "${PLAN_ARGS[@]}" --out "$BENCH_STATE/reorganise-plan.json" >>"$LOG" 2>&1 || {
  tail -20 "$LOG" >&2; blog "plan refused (unplaced or ambiguous communes: see above)"; exit 1; }
T3=$(date +%s.%N)
"$BIN/provisioner" reorganise apply "$BENCH_STATE/reorganise-plan.json" --jobs "$JOBS" >>"$LOG" 2>&1
T4=$(date +%s.%N)
counts >"$BENCH_STATE/reorganise-after.txt"
SAME=$(cmp -s "$BENCH_STATE/reorganise-before.txt" "$BENCH_STATE/reorganise-after.txt" && echo yes || echo NO)
NEW_COMMUNES=$(bench_psql -d "$DB" -c "select count(*) from platform.units where level = 'commune' and list = 2025")
ARCHIVED=$(bench_psql -d "$DB" -c "select count(*) from platform.tenants where successor_id is not null")

# Every old host and every old article URL: 301 to a page that answers 200.
bench_psql -d "$DB" -c "select d.host from platform.domains d join platform.tenants t on t.unit_id = d.tenant_id where t.successor_id is not null and d.role = 'primary'" >"$BENCH_STATE/old-hosts.txt"
bench_psql -d "$DB" -c "
  SELECT format('SELECT %L || '' /'' || s.slug || ''/'' || e.id FROM %I.entries e JOIN %I.sections s ON s.id = e.section_id
                  WHERE e.status = ''published'' AND e.published_at <= now();', d.host, t.schema_name, t.schema_name)
    FROM platform.tenants t JOIN platform.domains d ON d.tenant_id = t.unit_id AND d.role = 'primary'
   WHERE t.successor_id IS NOT NULL" >"$BENCH_STATE/url-queries.sql"
bench_psql -d "$DB" -v ON_ERROR_STOP=1 -f "$BENCH_STATE/url-queries.sql" >"$BENCH_STATE/old-urls.txt"
PORT=18085
PUBLIC_SCHEME=http PORT=$PORT DB_POOL_SIZE=8 LOG_LEVEL=error "$BIN/tenant-host" >>"$LOG" 2>&1 &
HOST_PID=$!
trap 'kill $HOST_PID 2>/dev/null || true' EXIT
wait_http "http://127.0.0.1:$PORT/_health"
T5=$(date +%s.%N)
CHECK=$(python3 - "$PORT" "$BENCH_STATE/old-hosts.txt" "$BENCH_STATE/old-urls.txt" <<'PY'
import http.client, sys, urllib.parse
port = int(sys.argv[1])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def get(host, path):
    conn.request("GET", path, headers={"Host": host})
    r = conn.getresponse(); r.read()
    return r.status, r.getheader("Location")
checked = failed = 0
examples = []
def check(host, path):
    global checked, failed
    checked += 1
    status, location = get(host, path)
    ok = status == 301 and location
    if ok:
        u = urllib.parse.urlsplit(location)
        status2, _ = get(u.netloc, u.path + ("?" + u.query if u.query else ""))
        ok = status2 == 200
    if not ok:
        failed += 1
        if len(examples) < 5: examples.append(f"{host}{path} → {status} {location}")
for host in open(sys.argv[2]).read().split():
    check(host, "/")
for line in open(sys.argv[3]):
    if line.strip():
        host, path = line.split()
        check(host, path)
print(checked, failed, "; ".join(examples))
PY
)
T6=$(date +%s.%N)
read -r CHECKED FAILED EXAMPLES <<<"$CHECK"
{
  echo "### bench/reorganise.sh ${PROVINCES[*]:-(whole country)}, jobs $JOBS, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "- 2024 provinces $OLD_PROVINCES: $OLD_COMMUNES communes imported with sample content in $(secs "$T0" "$T1") s"
  echo "- operator rows added to the published mapping (see the script): $OPERATOR_ROWS"
  echo "- plan: $(secs "$T2" "$T3") s; apply: $(secs "$T3" "$T4") s ($NEW_COMMUNES new communes, $ARCHIVED old communes archived into their successors)"
  echo "- rows of every content table of the old communes, per 2024 province, before = after: $SAME ($(wc -l <"$BENCH_STATE/reorganise-before.txt") provinces, $(awk '{s += $2} END {print s}' "$BENCH_STATE/reorganise-after.txt") rows)"
  echo "- old addresses checked: $CHECKED (every old commune's home and every published entry), $FAILED not answering 301 to a page that answers 200${EXAMPLES:+; e.g. $EXAMPLES}; $(secs "$T5" "$T6") s"
  grep -E "^plan |new communes created" "$LOG" | sed 's/^/- /'
} | tee "$OUT"
