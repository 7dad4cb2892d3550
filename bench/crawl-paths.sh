#!/usr/bin/env bash
# What each page of the crawl costs on its own, over every commune of the
# database left by bench/provision.sh: a fresh PostgreSQL, a host with no
# page cache, a warm-up crawl of all pages on random communes (so that
# each backend has met its communes), then each page alone on random
# communes: req/s, p50, p99, CPU ms per request of the host and of
# PostgreSQL.
#   bench/crawl-paths.sh [2024|2025] [WARM_SECONDS=60]
# DURATION (12) seconds per page; PATHS (space-separated) to measure fewer;
# HOST_ENV ("NAME=value …") set for the host; PG_MAX_FILES starts
# PostgreSQL with that max_files_per_process (and 20,000 open files).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
LIST=${1:-2024}
WARM=${2:-60}
DB=bench_provision_$LIST
CONNS=32
DURATION=${DURATION:-12}
ALL="/,/tin-tuc,/van-ban,/thu-tuc-hanh-chinh,/lich-cong-tac,/gioi-thieu,/tim-kiem?q=ubnd"
bench_need wrk wrk
bench_build
pg_stop "$BENCH_STATE/pg"
if [ -n "${PG_MAX_FILES:-}" ]; then
  pg_find_bin
  pg_as_owner bash -c "ulimit -n 20000 && '$PG_BIN/pg_ctl' -D '$BENCH_STATE/pg' -o '-p $BENCH_PG_PORT -c max_files_per_process=$PG_MAX_FILES' \
    -l '$BENCH_STATE/pg/server.log' -w -t 60 start" >/dev/null
else
  pg_start "$BENCH_STATE/pg" "$BENCH_PG_PORT"
fi
export DATABASE_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/$DB"
bench_hosts "$BENCH_STATE/hosts-$LIST.txt"
# shellcheck disable=SC2086
env LOG_LEVEL=warning PORT=18084 PAGE_CACHE_MB=0 ${HOST_ENV:-} "$BIN/tenant-host" >>"$BENCH_STATE/crawl-paths-host.log" 2>&1 &
HOST_PID=$!
trap 'kill $HOST_PID 2>/dev/null || true' EXIT
until curl -fsS http://127.0.0.1:18084/_health 2>/dev/null | grep -q '"status":"ok"'; do sleep 0.05; done
PG_PID=$(pg_master_pid)
echo "### bench/crawl-paths.sh $LIST $WARM, $(date -u +%FT%TZ)${HOST_ENV:+, $HOST_ENV}${PG_MAX_FILES:+, max_files_per_process $PG_MAX_FILES}"
echo
wrk -t1 -c"$CONNS" -d"${WARM}s" -s "$ROOT/bench/random_host.lua" http://127.0.0.1:18084 -- "$BENCH_STATE/hosts-$LIST.txt" "$ALL" |
  awk '/Requests\/sec/{print "warm-up crawl of every page: " $2 " req/s"}'
echo
echo "| page | req/s | p50 ms | p99 ms | host CPU ms/req | PostgreSQL CPU ms/req | host RSS MiB | errors |"
echo "|---|---|---|---|---|---|---|---|"
for path in ${PATHS:-"$ALL" / /tin-tuc /van-ban /thu-tuc-hanh-chinh /lich-cong-tac /gioi-thieu "/tim-kiem?q=ubnd"}; do
  label=$([ "$path" = "$ALL" ] && echo "every page" || echo "$path")
  bench_measure "crawl-path" http://127.0.0.1:18084 "$HOST_PID" "$PG_PID" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$LIST.txt" "$path" |
    sed "s#^| crawl-path |#| $label |#"
done
