#!/usr/bin/env bash
# Public pages side by side, in one run on this machine:
#   nginx serving a static copy of a home page (the reference for cached pages),
#   tenant-host with its page cache, tenant-host with no cache (database +
#   render on every request; with prepared statements, and with every
#   statement unnamed as before them), and the django-tenants peer.
# Every request picks a random commune's Host.
#
#   bench/pages.sh [N=300] [CONNECTIONS=32]
#
# Prints a table (req/s, p50, p99, CPU ms per request of server and
# PostgreSQL, server RSS) and the ratios, and writes it to
# $BENCH_STATE/pages-N.md. PEER_DIR points at the peer (default
# ../shared/peers/django-tenants); without it the peer rows are skipped.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
N=${1:-300}
CONNS=${2:-32}
DURATION=${DURATION:-10}
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/django-tenants}
OUT=$BENCH_STATE/pages-$N.md
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$BENCH_STATE/nginx.pid" ] && kill "$(cat "$BENCH_STATE/nginx.pid")" 2>/dev/null || true
  if [ -d "$PEER_DIR" ] && [ "${KEEP_PEER:-0}" != 1 ]; then STATE=$BENCH_STATE/peer "$PEER_DIR/stop.sh" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

bench_need wrk wrk
bench_need nginx-light nginx
bench_build
bench_database "bench_pages_$N"
bench_list "$N" "$BENCH_STATE/list-$N.csv"
"$BIN/provisioner" import "$BENCH_STATE/list-$N.csv" --jobs 2 >&2
"$BIN/provisioner" sample-content --all --jobs 2 >&2
bench_hosts "$BENCH_STATE/hosts-$N.txt"
FIRST=$(head -1 "$BENCH_STATE/hosts-$N.txt")

# tenant-host twice: with its page cache, and with none.
LOG_LEVEL=warning PORT=18080 PAGE_CACHE_MB=1024 PAGE_CACHE_TTL_SECONDS=3600 "$BIN/tenant-host" >"$BENCH_STATE/host-cached.log" 2>&1 &
PIDS+=($!); CACHED_PID=$!
LOG_LEVEL=warning PORT=18081 PAGE_CACHE_MB=0 "$BIN/tenant-host" >"$BENCH_STATE/host-uncached.log" 2>&1 &
PIDS+=($!); UNCACHED_PID=$!
# …with no cache and every statement unnamed, as before prepared statements.
LOG_LEVEL=warning PORT=18086 PAGE_CACHE_MB=0 DB_PREPARED_COMMUNES=0 "$BIN/tenant-host" >"$BENCH_STATE/host-unprepared.log" 2>&1 &
PIDS+=($!); UNPREPARED_PID=$!
# …and with its cache answered through the router, as before the early path.
LOG_LEVEL=warning PORT=18083 PAGE_CACHE_MB=1024 PAGE_CACHE_TTL_SECONDS=3600 CACHE_EARLY_HITS=0 "$BIN/tenant-host" >"$BENCH_STATE/host-router.log" 2>&1 &
PIDS+=($!); ROUTER_PID=$!
wait_http "http://127.0.0.1:18080/" "$FIRST"
wait_http "http://127.0.0.1:18083/" "$FIRST"
wait_http "http://127.0.0.1:18081/" "$FIRST"
wait_http "http://127.0.0.1:18086/" "$FIRST"

# nginx with a static file the size of a home page.
mkdir -p "$BENCH_STATE/static"
curl -fsS -H "Host: $FIRST" http://127.0.0.1:18080/ >"$BENCH_STATE/static/index.html"
# …and the same file with the visits log written as deploy/nginx/nginx.conf
# writes it (what counting visits costs a page the front answers).
VISITS_FORMAT=$(sed -n "/^    map \$http_user_agent \$visit_robot {/,/^    access_log {{NGINX_LOG_DIR}}\/visits.log/p" "$ROOT/deploy/nginx/nginx.conf" \
  | sed "/access_log/d")
cat >"$BENCH_STATE/nginx.conf" <<NGINX
worker_processes auto;
pid $BENCH_STATE/nginx.pid;
error_log $BENCH_STATE/nginx-error.log warn;
events { worker_connections 1024; }
http {
$VISITS_FORMAT
  access_log off;
  server {
    listen 127.0.0.1:18082 default_server;
    root $BENCH_STATE/static;
    location / { try_files /index.html =404; }
  }
  server {
    listen 127.0.0.1:18084 default_server;
    access_log $BENCH_STATE/visits.log visits buffer=512k flush=5s;
    root $BENCH_STATE/static;
    location / { try_files /index.html =404; }
  }
}
NGINX
nginx -c "$BENCH_STATE/nginx.conf"
sleep 0.5
NGINX_PID=$(cat "$BENCH_STATE/nginx.pid")

# The peer, from its own folder, on its own PostgreSQL.
PEER=0
if [ -d "$PEER_DIR" ] && [ "${SKIP_PEER:-0}" != 1 ]; then
  if STATE=$BENCH_STATE/peer "$PEER_DIR/run.sh" "$N" 18091 >&2; then PEER=1; fi
fi

# Fill the page cache: every page the cached rows ask for, once.
blog "warming the page cache over $N communes"
for port in 18080 18083; do
  "$ROOT/bench/warm.py" $port "$BENCH_STATE/hosts-$N.txt" / /tin-tuc/1 /tin-tuc/2 /tin-tuc/3 /tin-tuc/4 /tin-tuc/5
done

# Bring the uncached hosts to where a host is after running a while: a
# pooled connection prepares a commune's statements the second time it
# serves that commune, so a few seconds are not enough to see every pair.
blog "warming the uncached hosts (${WARM_UNCACHED:-20} s each)"
for port in 18081 18086; do
  wrk -t1 -c"$CONNS" -d"${WARM_UNCACHED:-20}s" -s "$ROOT/bench/random_host.lua" "http://127.0.0.1:$port" -- "$BENCH_STATE/hosts-$N.txt" / >/dev/null
  wrk -t1 -c"$CONNS" -d5s -s "$ROOT/bench/random_host.lua" "http://127.0.0.1:$port" -- "$BENCH_STATE/hosts-$N.txt" /tin-tuc/%d >/dev/null
done

PG=$(pg_master_pid)
{
  echo "### bench/pages.sh $N communes, $CONNS connections, ${DURATION}s, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "home page: $(wc -c <"$BENCH_STATE/static/index.html") bytes"
  echo
  echo "| what | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req | server RSS MiB | errors |"
  echo "|---|---|---|---|---|---|---|---|"
  bench_measure "nginx-static-file" http://127.0.0.1:18082 "$NGINX_PID" "" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /
  bench_measure "nginx-static-file-visits-log" http://127.0.0.1:18084 "$NGINX_PID" "" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /
  bench_measure "tenant-host-cached-home" http://127.0.0.1:18080 "$CACHED_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /
  bench_measure "tenant-host-cached-article" http://127.0.0.1:18080 "$CACHED_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /tin-tuc/%d
  bench_measure "tenant-host-cached-home-router" http://127.0.0.1:18083 "$ROUTER_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /
  bench_measure "tenant-host-cached-article-router" http://127.0.0.1:18083 "$ROUTER_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /tin-tuc/%d
  bench_measure "tenant-host-uncached-home" http://127.0.0.1:18081 "$UNCACHED_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /
  bench_measure "tenant-host-uncached-article" http://127.0.0.1:18081 "$UNCACHED_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /tin-tuc/%d
  bench_measure "tenant-host-uncached-home-unprepared" http://127.0.0.1:18086 "$UNPREPARED_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /
  bench_measure "tenant-host-uncached-article-unprepared" http://127.0.0.1:18086 "$UNPREPARED_PID" "$PG" "$ROOT/bench/random_host.lua" "$BENCH_STATE/hosts-$N.txt" /tin-tuc/%d
  if [ "$PEER" = 1 ]; then
    PEER_MASTER=$(cat "$BENCH_STATE/peer/gunicorn.pid")
    PEER_PG=$(cat "$BENCH_STATE/peer/postgres.pid")
    bench_measure "django-tenants-home" http://127.0.0.1:18091 "$PEER_MASTER" "$PEER_PG" "$PEER_DIR/bench/random_host.lua" "$N" /
    bench_measure "django-tenants-article" http://127.0.0.1:18091 "$PEER_MASTER" "$PEER_PG" "$PEER_DIR/bench/random_host.lua" "$N" "/a/%d/"
  fi
} | tee "$OUT.rows"

python3 - "$OUT.rows" "$PEER" <<'PY' | tee -a "$OUT.rows"
import sys
rows = {}
for line in open(sys.argv[1]):
    parts = [p.strip() for p in line.split("|")]
    if len(parts) > 3 and parts[1] and parts[2].replace(".", "").isdigit():
        rows[parts[1]] = (float(parts[2]), float(parts[4]))
def ratio(a, b):
    return f"{rows[a][0] / rows[b][0]:.2f}x" if a in rows and b in rows and rows[b][0] else "n/a"
print()
print(f"- cached home / nginx static file: {ratio('tenant-host-cached-home', 'nginx-static-file')} (target at least 0.8x); p99 {rows.get('tenant-host-cached-home', (0, 0))[1]} ms (target under 10 ms)")
print(f"- cached article / nginx static file: {ratio('tenant-host-cached-article', 'nginx-static-file')}")
print(f"- nginx static file with the visits log / without: {ratio('nginx-static-file-visits-log', 'nginx-static-file')} (what counting visits costs a front-cache hit)")
print(f"- the same through the router (CACHE_EARLY_HITS=0): home {ratio('tenant-host-cached-home-router', 'nginx-static-file')}, article {ratio('tenant-host-cached-article-router', 'nginx-static-file')}")
if sys.argv[2] == "1":
    print(f"- uncached home / django-tenants home: {ratio('tenant-host-uncached-home', 'django-tenants-home')} (target at least 6x, then 10x); unprepared {ratio('tenant-host-uncached-home-unprepared', 'django-tenants-home')}")
    print(f"- uncached article / django-tenants article: {ratio('tenant-host-uncached-article', 'django-tenants-article')}; unprepared {ratio('tenant-host-uncached-article-unprepared', 'django-tenants-article')}")
print(f"- uncached home, prepared / unprepared: {ratio('tenant-host-uncached-home', 'tenant-host-uncached-home-unprepared')}; article {ratio('tenant-host-uncached-article', 'tenant-host-uncached-article-unprepared')}")
PY
mv "$OUT.rows" "$OUT"
blog "written to $OUT"
