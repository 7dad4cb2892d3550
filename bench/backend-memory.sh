#!/usr/bin/env bash
# What a commune costs a PostgreSQL backend on its first public reads, and
# what two other schema designs would cost.
#   bench/backend-memory.sh [COMMUNES_PER_GROUP=300] [ROUNDS=2]
# Provisions 3 × N communes of the 2024 list, then changes two groups:
#   checks  - the CHECK constraints of sections, entries and site dropped;
#   narrow  - a table public_pages (page, data jsonb) holding the menu and
#             footer, a list and a section's body as one JSON value each.
# For each group a fresh psql backend reads every commune once, then again;
# memory is pg_backend_memory_contexts before and after, time includes
# psql's round trips. Rounds alternate the groups.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
N=${1:-300}
ROUNDS=${2:-2}
DB=bench_backend_memory
OUT=$BENCH_STATE/backend-memory.md
bench_build
bench_database "$DB"
head -n "$((3 * N + 1))" "$ROOT/data/vn-admin-units-2024.csv" >"$BENCH_STATE/list-backend-memory.csv"
"$BIN/provisioner" import "$BENCH_STATE/list-backend-memory.csv" --jobs 2 >&2
Q() { bench_psql -d "$DB" "$@"; }
Q -c "SELECT schema_name FROM platform.tenants WHERE status = 'active' ORDER BY schema_name LIMIT $((3 * N))" >"$BENCH_STATE/bm-all.txt"
sed -n "1,${N}p" "$BENCH_STATE/bm-all.txt" >"$BENCH_STATE/bm-today.txt"
sed -n "$((N + 1)),$((2 * N))p" "$BENCH_STATE/bm-all.txt" >"$BENCH_STATE/bm-checks.txt"
sed -n "$((2 * N + 1)),$((3 * N))p" "$BENCH_STATE/bm-all.txt" >"$BENCH_STATE/bm-narrow.txt"
in_list() { sed "s/.*/'&'/" "$1" | paste -sd,; }
Q -c "SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I;', n.nspname, c.relname, k.conname)
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE k.contype = 'c' AND c.relname IN ('entries', 'sections', 'site')
         AND n.nspname IN ($(in_list "$BENCH_STATE/bm-checks.txt"))" | Q >/dev/null
while read -r s; do
  cat <<SQL
CREATE TABLE $s.public_pages (page text PRIMARY KEY, data jsonb NOT NULL);
INSERT INTO $s.public_pages SELECT 'chrome', jsonb_build_object('sections', (SELECT jsonb_agg(to_jsonb(x) - 'body' - 'search') FROM $s.sections x), 'site', (SELECT to_jsonb(t) FROM $s.site t));
INSERT INTO $s.public_pages SELECT 'list-2', coalesce((SELECT jsonb_agg(to_jsonb(e) - 'search') FROM (SELECT * FROM $s.entries WHERE section_id = 2 ORDER BY published_at DESC LIMIT 10) e), '[]');
INSERT INTO $s.public_pages SELECT 'gioi-thieu', to_jsonb(body) FROM $s.sections WHERE slug = 'gioi-thieu';
ANALYZE $s.public_pages;
SQL
done <"$BENCH_STATE/bm-narrow.txt" | Q >/dev/null

COLS="id, section_id, kind, status, title, summary, ''::text AS body, author, published_at, updated_at, is_sample, image_url, image_alt, doc_type, doc_number, issuer, signer, issued_on, effective_on, file_url, field, service_level, portal_url, processing_time, fee, starts_at, ends_at, location, presider, position_title, phone, email, period_year, period_label, consultation_deadline, consultation_result, ''::text AS body_source, body_format"
reads() { # GROUP SCHEMA: the statements of one commune's first public pages
  local s=$2
  if [ "$1" = narrow ]; then
    echo "SELECT data FROM $s.public_pages WHERE page = 'chrome';"
    echo "SELECT data FROM $s.public_pages WHERE page = 'list-2';"
    echo "SELECT data FROM $s.public_pages WHERE page = 'gioi-thieu';"
  else
    echo "SELECT s.id, s.slug, s.title, s.kind, s.position, s.mandatory, s.legal_basis, s.summary, ''::text AS body, s.starter, t.publisher, t.responsible_person, t.responsible_title, t.address, t.phone, t.email, t.notice, t.notice_from, t.notice_until, t.updated_at, t.emc_site_id FROM $s.sections s CROSS JOIN $s.site t ORDER BY s.position, s.id;"
    echo "SELECT $COLS, count(*) OVER () AS total FROM $s.entries WHERE section_id = 2 AND status = 'published' AND published_at <= now() ORDER BY published_at DESC, id DESC LIMIT 10;"
    echo "SELECT body FROM $s.sections WHERE slug = 'gioi-thieu';"
  fi
}
measure() { # GROUP → "KiB first-ms second-ms" per commune
  local g=$1 file=$BENCH_STATE/bm-$1.txt n s pass
  n=$(wc -l <"$file")
  {
    echo "CREATE TEMP TABLE m AS SELECT sum(total_bytes)::bigint AS b, clock_timestamp() AS t FROM pg_backend_memory_contexts;"
    for pass in 1 2; do
      while read -r s; do reads "$g" "$s"; done <"$file"
      echo "SELECT 'pass', ((sum(total_bytes) - (SELECT b FROM m)) / $n / 1024)::int, round(extract(epoch FROM clock_timestamp() - (SELECT t FROM m)) * 1000 / $n, 3) FROM pg_backend_memory_contexts;"
      echo "UPDATE m SET b = (SELECT sum(total_bytes) FROM pg_backend_memory_contexts), t = clock_timestamp();"
    done
  } | Q -F' ' -f - | awk '$1 == "pass" { printf "%s %s ", $2, $3 }'
}
{
  echo "### bench/backend-memory.sh $N $ROUNDS, $(date -u +%FT%TZ)"
  echo
  echo "| round | reads | backend KiB per commune, first pass | first pass ms per commune | second pass ms per commune |"
  echo "|---|---|---|---|---|"
  for round in $(seq 1 "$ROUNDS"); do
    for g in today checks narrow; do
      read -r kib first _ second <<<"$(measure "$g")"
      echo "| $round | $g | $kib | $first | $second |"
    done
  done
} | tee "$OUT"
