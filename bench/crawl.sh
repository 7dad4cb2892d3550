#!/usr/bin/env bash
# PostgreSQL memory after a random-Host crawl over every commune of the
# database left by bench/provision.sh: every backend caches each relation it
# touches, so the pool is sized and connections recycled.
#   bench/crawl.sh [2024|2025] [SECONDS=90]
# Runs the crawl three times: connections never recycled and nothing
# prepared; recycled after DB_RECYCLE_AFTER_SCHEMAS distinct communes
# (default 1000) and nothing prepared; recycled and each connection keeping
# the prepared statements of DB_PREPARED_COMMUNES communes (default 50, the
# host's). Pool of DB_POOL_SIZE (default 16, the host's).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
LIST=${1:-2024}
SECONDS_LOAD=${2:-90}
DB=bench_provision_$LIST
OUT=$BENCH_STATE/crawl-$LIST.md
POOL=${DB_POOL_SIZE:-16}
RECYCLE=${DB_RECYCLE_AFTER_SCHEMAS:-1000}
PREPARED=${DB_PREPARED_COMMUNES:-50}
bench_need wrk wrk
bench_build
pg_start "$BENCH_STATE/pg" "$BENCH_PG_PORT"
export DATABASE_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/$DB"
bench_hosts "$BENCH_STATE/hosts-$LIST.txt"
HOST_PID=""
trap '[ -n "$HOST_PID" ] && kill $HOST_PID 2>/dev/null || true' EXIT

crawl() { # RECYCLE_AFTER PREPARED_COMMUNES → table row
  local recycle=$1 prepared=$2 pss0 pss1 maxb
  # a fresh PostgreSQL: no backend has cached anything yet
  pg_stop "$BENCH_STATE/pg"; pg_start "$BENCH_STATE/pg" "$BENCH_PG_PORT"
  DB_POOL_SIZE=$POOL DB_RECYCLE_AFTER_SCHEMAS=$recycle DB_PREPARED_COMMUNES=$prepared LOG_LEVEL=warning PORT=18084 PAGE_CACHE_MB=0 "$BIN/tenant-host" >>"$BENCH_STATE/crawl-host.log" 2>&1 &
  HOST_PID=$!
  until curl -fsS http://127.0.0.1:18084/_health 2>/dev/null | grep -q '"status":"ok"'; do sleep 0.05; done
  pss0=$(pg_pss_kib)
  wrk -t1 -c32 -d"${SECONDS_LOAD}s" -s "$ROOT/bench/random_host.lua" http://127.0.0.1:18084 -- "$BENCH_STATE/hosts-$LIST.txt" \
    "/,/tin-tuc,/van-ban,/thu-tuc-hanh-chinh,/lich-cong-tac,/gioi-thieu,/tim-kiem?q=ubnd" >"$BENCH_STATE/crawl-wrk-$recycle-$prepared.txt"
  pss1=$(pg_pss_kib)
  maxb=$(for pid in $(ps -o pid= --ppid "$(pg_master_pid)"); do awk '/^VmRSS/{print $2}' /proc/"$pid"/status 2>/dev/null; done | sort -n | tail -1)
  awk -v r="$recycle" -v s="$prepared" -v p="$POOL" -v n="$(awk '/requests in/{print $1}' "$BENCH_STATE/crawl-wrk-$recycle-$prepared.txt")" \
      -v a="$pss0" -v b="$pss1" -v m="${maxb:-0}" -v q="$(awk '/Requests\/sec/{print $2}' "$BENCH_STATE/crawl-wrk-$recycle-$prepared.txt")" \
    'BEGIN { printf "| %s | %s | %s | %s | %.0f | %.0f | %.0f | %s |\n", r, s, p, n, a / 1024, b / 1024, m / 1024, q }'
  kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true; HOST_PID=""
}

{
  echo "### bench/crawl.sh $LIST, ${SECONDS_LOAD}s per crawl, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); communes: $(wc -l <"$BENCH_STATE/hosts-$LIST.txt")"
  echo
  echo "| recycle after (distinct communes, 0 = never) | prepared communes per connection | pool | requests | PostgreSQL PSS before MiB | PostgreSQL PSS after MiB | largest backend RSS MiB | req/s |"
  echo "|---|---|---|---|---|---|---|---|"
  crawl 0 0
  crawl "$RECYCLE" 0
  crawl "$RECYCLE" "$PREPARED"
} | tee "$OUT"
