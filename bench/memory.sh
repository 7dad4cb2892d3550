#!/usr/bin/env bash
# Host process memory and start-up: an empty catalogue against the
# database left by bench/provision.sh (10,051 communes for 2024), then RSS
# under sustained load to show it stays flat.
#   bench/memory.sh [2024|2025] [LOAD_SECONDS=60]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
LIST=${1:-2024}
LOAD=${2:-60}
DB=bench_provision_$LIST
OUT=$BENCH_STATE/memory-$LIST.md
bench_need wrk wrk
bench_build
bench_database bench_empty
EMPTY_URL=$DATABASE_URL
FULL_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/$DB"
HOST_PID=""
trap '[ -n "$HOST_PID" ] && kill $HOST_PID 2>/dev/null || true' EXIT

# start_host URL PORT → HOST_PID, and STARTED: seconds until /_health is ok
start_host() {
  local t0 t1
  t0=$(date +%s.%N)
  DATABASE_URL=$1 LOG_LEVEL=warning PORT=$2 PAGE_CACHE_MB=${PAGE_CACHE_MB:-0} "$BIN/tenant-host" >>"$BENCH_STATE/memory-host.log" 2>&1 &
  HOST_PID=$!
  until curl -fsS "http://127.0.0.1:$2/_health" 2>/dev/null | grep -q '"status":"ok"'; do sleep 0.01; done
  t1=$(date +%s.%N)
  STARTED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

start_host "$EMPTY_URL" 18083; T_EMPTY=$STARTED; sleep 1
RSS_EMPTY=$(rss_kib "$HOST_PID"); kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true
start_host "$FULL_URL" 18083; T_FULL=$STARTED; sleep 1
RSS_FULL=$(rss_kib "$HOST_PID")
COMMUNES=$(curl -fsS http://127.0.0.1:18083/_health | python3 -c 'import json,sys; print(json.load(sys.stdin)["communes"])')

# Sustained load over every commune, uncached: RSS every 10 s.
DATABASE_URL=$FULL_URL bench_hosts "$BENCH_STATE/hosts-$LIST.txt"
SAMPLES=""
wrk -t1 -c32 -d"${LOAD}s" -s "$ROOT/bench/random_host.lua" http://127.0.0.1:18083 -- "$BENCH_STATE/hosts-$LIST.txt" "/,/tin-tuc,/van-ban" >"$BENCH_STATE/memory-wrk.txt" &
WRK=$!
for _ in $(seq 1 $((LOAD / 10))); do sleep 10; SAMPLES="$SAMPLES $(( $(rss_kib "$HOST_PID") / 1024 ))"; done
wait "$WRK"
{
  echo "### bench/memory.sh $LIST, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  awk -v a="$RSS_EMPTY" -v b="$RSS_FULL" -v n="$COMMUNES" -v te="$T_EMPTY" -v tf="$T_FULL" 'BEGIN {
    printf "- start-up to first healthy answer: %s s with 0 communes, %s s with %d communes\n", te, tf, n
    printf "- RSS after start: %.1f MiB with 0 communes, %.1f MiB with %d: %.2f KiB per commune beyond the base\n", a / 1024, b / 1024, n, (b - a) / n }'
  echo "- RSS (MiB) every 10 s under ${LOAD} s of uncached load over all communes:$SAMPLES"
  echo "- load: $(awk '/Requests\/sec/{print $2}' "$BENCH_STATE/memory-wrk.txt") req/s, $(awk '/requests in/{print $1}' "$BENCH_STATE/memory-wrk.txt") requests"
} | tee "$OUT"
