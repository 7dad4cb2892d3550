# shellcheck shell=bash
# Shared by the bench/ scripts: a private PostgreSQL, release binaries,
# process CPU and memory readings. Source after setting ROOT.
source "$ROOT/ops/lib/postgres.sh"
BENCH_STATE=${BENCH_STATE:-/tmp/bench-platform}
BENCH_PG_PORT=${BENCH_PG_PORT:-55460}
# The hosts a benchmark starts run no compliance audit: its round renders
# every commune's pages inside the host and would share the measured time.
export AUDIT_INTERVAL_HOURS=${AUDIT_INTERVAL_HOURS:-0}
mkdir -p "$BENCH_STATE"
chmod 755 "$BENCH_STATE"
blog() { echo "[bench] $*" >&2; }

# bench_need PACKAGE COMMAND…: installs the Debian package when a command is missing.
bench_need() {
  local package=$1 cmd; shift
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null 2>&1 && continue
    blog "no $cmd"
    deps_apt_install "$package"
    return
  done
}

bench_build() {
  blog "release build"
  deps_install_build
  (cd "$ROOT" && swift build -c release --product provisioner >&2 && swift build -c release --product tenant-host >&2)
  BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)
}

# bench_database NAME: a fresh database on the bench cluster, catalogue set up.
bench_database() {
  local name=$1
  pg_start "$BENCH_STATE/pg" "$BENCH_PG_PORT"
  "$(pg_psql)" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d postgres -qc "drop database if exists \"$name\" with (force)" >/dev/null
  "$(pg_psql)" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -d postgres -qc "create database \"$name\"" >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$BENCH_PG_PORT/$name"
  "$BIN/provisioner" setup >&2
}

# bench_hosts FILE: the dev host name of every commune of $DATABASE_URL, one per line.
bench_hosts() {
  "$BIN/provisioner" status --json | python3 -c '
import json, sys
for r in json.load(sys.stdin)["rows"]:
    print(next(d for d in r["domains"] if d.endswith(".localhost")))' >"$1"
}

bench_psql() { "$(pg_psql)" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -qtA "$@"; }

# bench_list N FILE: the first N communes of the 2024 list (whole official rows).
bench_list() {
  local n=$1 out=$2
  head -n "$((n + 1))" "$ROOT/data/vn-admin-units-2024.csv" >"$out"
}

# CPU ticks (user+system, children included) of a process and its children.
cpu_ticks() {
  local t=0 pid
  for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    t=$((t + $(sed 's/^.*) //' /proc/"$pid"/stat 2>/dev/null | awk '{print $12+$13+$14+$15}' || echo 0)))
  done
  echo "$t"
}

# Resident memory in KiB of a process and its children.
rss_kib() {
  local t=0 pid r
  for pid in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
    r=$(awk '/^VmRSS/{print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
    t=$((t + ${r:-0}))
  done
  echo "$t"
}

# Proportional set size in KiB of PostgreSQL (postmaster and all backends):
# shared buffers are counted once, not once per backend.
pg_pss_kib() {
  local master t=0 pid p
  master=$(head -1 "$BENCH_STATE/pg/postmaster.pid")
  for pid in "$master" $(ps -o pid= --ppid "$master"); do
    p=$(awk '/^Pss:/{print $2}' /proc/"$pid"/smaps_rollup 2>/dev/null || echo 0)
    t=$((t + ${p:-0}))
  done
  echo "$t"
}

pg_master_pid() { head -1 "$BENCH_STATE/pg/postmaster.pid"; }

# wait_http URL [HOST]
wait_http() {
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null ${2:+-H "Host: $2"} "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  blog "no answer from $1"; return 1
}

to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}'; }

# bench_measure LABEL URL SERVER_PID PG_PID LUA ARGS… → one table row: wrk
# (CONNS connections, DURATION seconds after 3 s of warm-up) through LUA,
# req/s, p50, p99, CPU ms per request of the server and of PostgreSQL
# (PG_PID, may be empty), the server's RSS, errors.
bench_measure() {
  local label=$1 url=$2 server=$3 pg=$4 lua=$5; shift 5
  wrk -t1 -c"$CONNS" -d3s -s "$lua" "$url" -- "$@" >/dev/null
  local s0 p0 s1 p1 out=$BENCH_STATE/wrk-$label.txt
  s0=$(cpu_ticks "$server"); p0=$( [ -n "$pg" ] && cpu_ticks "$pg" || echo 0)
  wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$lua" "$url" -- "$@" >"$out"
  s1=$(cpu_ticks "$server"); p1=$( [ -n "$pg" ] && cpu_ticks "$pg" || echo 0)
  local rps p50 p99 reqs errors tck
  rps=$(awk '/Requests\/sec/{print $2}' "$out")
  reqs=$(awk '/requests in/{print $1}' "$out")
  p50=$(awk '$1=="50%"{print $2}' "$out" | to_ms)
  p99=$(awk '$1=="99%"{print $2}' "$out" | to_ms)
  errors=$(awk '/Non-2xx|Socket errors/{print}' "$out" | tr '\n' ' ')
  tck=$(getconf CLK_TCK)
  awk -v l="$label" -v r="$rps" -v a="$p50" -v b="$p99" -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v n="$reqs" -v t="$tck" \
      -v m="$(rss_kib "$server")" -v e="$errors" \
    'BEGIN { printf "| %s | %.0f | %s | %s | %.3f | %.3f | %.0f | %s |\n", l, r, a, b, 1000*s/t/n, 1000*p/t/n, m/1024, e }'
}
