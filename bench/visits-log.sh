#!/usr/bin/env bash
# What counting visits costs a page nginx answers itself (a front-cache
# hit): the same static home page from two nginx servers in one process,
# one without an access log and one writing the visits log exactly as
# deploy/nginx/nginx.conf does (log_format visits, buffer=64k flush=5s).
# Rounds alternate between the two; prints req/s and p99 per round and the
# ratio of the medians.
#
#   bench/visits-log.sh [ROUNDS=3] [CONNECTIONS=32]     (DURATION=10 s a round)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
ROUNDS=${1:-3}
CONNS=${2:-32}
DURATION=${DURATION:-10}
STATE=$BENCH_STATE/visits-log
bench_need wrk wrk
bench_need nginx-light nginx
mkdir -p "$STATE/static"
trap '[ -f "$STATE/nginx.pid" ] && kill "$(cat "$STATE/nginx.pid")" 2>/dev/null || true' EXIT
# A commune's home page as the snapshot tests keep it, and 300 host names.
sed '1,2d' "$ROOT/Tests/TenantHostTests/Snapshots/thuan-an.hue_home.txt" >"$STATE/static/index.html"
for i in $(seq 1 300); do echo "xa-$i.tinh.gov.vn"; done >"$STATE/hosts.txt"
# The log_format and map as deploy/nginx/nginx.conf writes them.
FORMAT=$(sed -n "/^    map \$http_user_agent \$visit_robot {/,/^    access_log {{NGINX_LOG_DIR}}\/visits.log/p" "$ROOT/deploy/nginx/nginx.conf" \
  | sed "s|{{NGINX_LOG_DIR}}|$STATE|; /access_log/d")
[ -n "$FORMAT" ] || { echo "no visits log_format in deploy/nginx/nginx.conf" >&2; exit 1; }
cat >"$STATE/nginx.conf" <<NGINX
worker_processes auto;
pid $STATE/nginx.pid;
error_log $STATE/nginx-error.log warn;
events { worker_connections 1024; }
http {
$FORMAT
  access_log off;
  server {
    listen 127.0.0.1:18082;
    root $STATE/static;
    location / { try_files /index.html =404; }
  }
  server {
    listen 127.0.0.1:18084;
    access_log $STATE/visits.log visits buffer=512k flush=5s;
    root $STATE/static;
    location / { try_files /index.html =404; }
  }
}
NGINX
rm -f "$STATE/visits.log"
nginx -c "$STATE/nginx.conf"
sleep 0.5
run() {  # port → "req/s p99_ms"
  wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/bench/random_host.lua" "http://127.0.0.1:$1" -- "$STATE/hosts.txt" / \
    | awk '/Requests\/sec/{r=$2} /^ +99%/{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000} p=v} END{printf "%.0f %.2f\n", r, p}'
}
echo "### bench/visits-log.sh $ROUNDS rounds, $CONNS connections, ${DURATION}s, $(date -u +%FT%TZ)"
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); page: $(wc -c <"$STATE/static/index.html") bytes"
echo
echo "| round | no log req/s | no log p99 ms | visits log req/s | visits log p99 ms |"
echo "|---|---|---|---|---|"
plain=(); counted=()
for r in $(seq 1 "$ROUNDS"); do
  read -r a ap < <(run 18082)
  read -r b bp < <(run 18084)
  plain+=("$a"); counted+=("$b")
  echo "| $r | $a | $ap | $b | $bp |"
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
mp=$(median "${plain[@]}"); mc=$(median "${counted[@]}")
echo
echo "median: $mp req/s without a log, $mc req/s with the visits log: ratio $(awk -v a="$mc" -v b="$mp" 'BEGIN{printf "%.3f", a/b}')"
echo "lines written: $(wc -l <"$STATE/visits.log" 2>/dev/null || echo 0) (a sample: $(tail -1 "$STATE/visits.log" 2>/dev/null))"
