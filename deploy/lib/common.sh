# shellcheck shell=bash
# Shared helpers of deploy/local, deploy/drill, deploy/test-config, ops/backup
# and ops/restore: package installation, template rendering, processes kept
# by pid file, and the ports and paths of the local province topology.
# Source this file; helpers print what they do on stderr.

DEPLOY_DIR=${DEPLOY_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ROOT_DIR=$(cd "$DEPLOY_DIR/.." && pwd)
LOCAL=${DEPLOY_LOCAL:-$DEPLOY_DIR/.local}
RUN=$LOCAL/run
LOGS=$LOCAL/log
# shellcheck source=deploy/lib/pgenv.sh
source "$DEPLOY_DIR/lib/pgenv.sh"

# Certificates of the links between machines (deploy/lib/ca.sh,
# ca_init_links): one CA, one certificate per member and per client.
LINKS=$LOCAL/tls/links
LINKS_CA=$LINKS/ca/ca.pem

# Ports of the local topology (one machine, loopback only). Every member of
# the real three-machine layout uses the same port on its own address.
SCOPE=${SCOPE:-hue}                     # Patroni scope and pgBackRest stanza
ETCD_CLIENT_PORTS=(12379 12381 12383)
ETCD_PEER_PORTS=(12380 12382 12384)
PG_PORTS=(15431 15432 15433)
PATRONI_PORTS=(15441 15442 15443)
PGX_PORTS=(15471 15472 15473)          # postgres_exporter, one per member
# A second cluster ("b") for communes placed or moved off the main one:
# two members under Patroni (leader + synchronous standby), its own HAProxy.
SCOPE_B=${SCOPE}-b
PG_B_PORTS=(15434 15435)
PATRONI_B_PORTS=(15444 15445)
HAPROXY_B_PRIMARY_PORT=15405
HAPROXY_B_REPLICA_PORT=15406
HAPROXY_B_STATS_PORT=15407
HAPROXY_PRIMARY_PORT=${HAPROXY_PRIMARY_PORT:-15400}
HAPROXY_REPLICA_PORT=${HAPROXY_REPLICA_PORT:-15401}
HAPROXY_STATS_PORT=${HAPROXY_STATS_PORT:-15404}
HOST_PORTS=(15481 15482)               # tenant-host processes
METRICS_PORTS=(15491 15492)            # their METRICS_PORT
NODE_EXPORTER_PORT=15470
PROMETHEUS_PORT=15490
HTTPS_PORT=${HTTPS_PORT:-8443}
HTTP_PORT=${HTTP_PORT:-8088}
PURGE_PORT=${PURGE_PORT:-15485}           # nginx's purge server (front cache)
DB_NAME=platform
PG_BIN_DIR=/usr/lib/postgresql/15/bin

log() { echo "[${LOG_TAG:-deploy}] $*" >&2; }
die() { log "$*"; exit 1; }

# need_packages CMD:PACKAGE…: apt-get install the packages whose command is
# missing (apt-get update once per run first).
APT_UPDATED=0
need_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    if [[ $cmd == /* ]]; then [ -e "$cmd" ] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} = 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root or install them"
  log "installing ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || die "apt-get update failed"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
}

NGINX_LUA_MODULE=/usr/lib/nginx/modules/ngx_http_lua_module.so
NGINX_NDK_MODULE=/usr/lib/nginx/modules/ndk_http_module.so
NGINX_BROTLI_MODULE=/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so
need_topology_packages() {
  need_packages patroni:patroni etcd:etcd-server etcdctl:etcd-client haproxy:haproxy \
    pgbackrest:pgbackrest nginx:nginx "$NGINX_LUA_MODULE:libnginx-mod-http-lua" "$NGINX_NDK_MODULE:libnginx-mod-http-ndk" "$NGINX_BROTLI_MODULE:libnginx-mod-http-brotli-filter" openssl:openssl psql:postgresql-client \
    "$PG_BIN_DIR/postgres:postgresql-15" /usr/share/postgresql/15/extension/unaccent.control:postgresql-contrib \
    /usr/lib/python3/dist-packages/psycopg2:python3-psycopg2 curl:curl \
    /usr/lib/python3/dist-packages/idna:python3-idna update-ca-certificates:ca-certificates
  # python3-idna: Patroni's HTTPS client (urllib3) needs it for etcd and the
  # REST API over TLS; Debian only recommends it.
}
need_monitoring_packages() {
  need_packages prometheus:prometheus promtool:prometheus prometheus-postgres-exporter:prometheus-postgres-exporter \
    prometheus-node-exporter:prometheus-node-exporter
}

# render TEMPLATE OUTPUT: replaces every {{NAME}} by the environment
# variable NAME; an unset variable is an error.
render() {
  python3 - "$1" "$2" <<'PY'
import os, re, sys
src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()
missing = sorted({m for m in re.findall(r"\{\{([A-Z0-9_]+)\}\}", text) if m not in os.environ})
if missing:
    sys.exit(f"{src}: no value for {', '.join(missing)}")
text = re.sub(r"\{\{([A-Z0-9_]+)\}\}", lambda m: os.environ[m.group(1)], text)
tmp = dst + ".tmp"
with open(tmp, "w") as f:
    f.write(text)
os.replace(tmp, dst)
PY
}

# The migrations the binaries apply and check: $PLATFORM_SQL_DIR, or this
# checkout's sql/ (set it with PLATFORM_BIN built from another commit).
SQL_DIR=${PLATFORM_SQL_DIR:-$ROOT_DIR/sql}

# Platform binaries: $PLATFORM_BIN, or a release build of this checkout.
platform_bin() {
  if [ -n "${PLATFORM_BIN:-}" ]; then
    [ -x "$PLATFORM_BIN/tenant-host" ] && [ -x "$PLATFORM_BIN/provisioner" ] ||
      die "PLATFORM_BIN=$PLATFORM_BIN lacks tenant-host or provisioner"
    echo "$PLATFORM_BIN"; return
  fi
  command -v swift >/dev/null || die "Swift is not installed; set PLATFORM_BIN to a directory with tenant-host and provisioner"
  log "building tenant-host and provisioner (release; the first build takes several minutes)"
  # One product per command: given several --product options, swift build
  # builds only the last one.
  (cd "$ROOT_DIR" && swift build -c release --product tenant-host >&2) || die "build of tenant-host failed"
  (cd "$ROOT_DIR" && swift build -c release --product provisioner >&2) || die "build of provisioner failed"
  (cd "$ROOT_DIR" && swift build -c release --show-bin-path)
}

# Processes kept by pid file under $RUN.
pid_of() { [ -s "$RUN/$1.pid" ] && cat "$RUN/$1.pid"; }
alive() { local p; p=$(pid_of "$1") && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# spawn NAME USER LOGFILE COMMAND…: starts COMMAND in its own session as
# USER; the pid file holds the pid of COMMAND itself (exec), never a wrapper.
# SPAWN_PRIO (e.g. "nice -n -10 ionice -c2 -n0") is applied before the
# switch to USER, which could not raise its own priority.
spawn() {
  local name=$1 user=$2 logfile=$3; shift 3
  if alive "$name"; then log "$name already running (pid $(pid_of "$name"))"; return 0; fi
  mkdir -p "$RUN" "$(dirname "$logfile")"
  rm -f "$RUN/$name.pid"
  local quoted; quoted=$(printf '%q ' "$@")
  touch "$logfile"
  if [ "$user" = root ]; then
    # shellcheck disable=SC2086
    setsid ${SPAWN_PRIO:-} bash -c "echo \$\$ >'$RUN/$name.pid'; exec $quoted" >>"$logfile" 2>&1 </dev/null &
  else
    chown "$user" "$logfile"
    # The pid file is written by root's shell before the user switch would
    # change the pid, so let the child write a temporary one it can own.
    install -d -o "$user" -m 755 "$RUN/by-user/$user"
    rm -f "$RUN/by-user/$user/$name.pid"
    # shellcheck disable=SC2086
    setsid ${SPAWN_PRIO:-} runuser -u "$user" -- bash -c "echo \$\$ >'$RUN/by-user/$user/$name.pid'; exec $quoted" >>"$logfile" 2>&1 </dev/null &
    local i
    for i in $(seq 1 50); do [ -s "$RUN/by-user/$user/$name.pid" ] && break; sleep 0.1; done
    cp "$RUN/by-user/$user/$name.pid" "$RUN/$name.pid"
  fi
  local i
  for i in $(seq 1 50); do [ -s "$RUN/$name.pid" ] && break; sleep 0.1; done
  log "started $name (pid $(pid_of "$name"), log $logfile)"
}

# stop NAME [SECONDS]: TERM, wait, then KILL.
stop() {
  local name=$1 wait=${2:-30} p i
  p=$(pid_of "$name") || return 0
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    log "stopping $name (pid $p)"
    kill -TERM "$p" 2>/dev/null || true
    for i in $(seq 1 $((wait * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then log "$name did not stop in ${wait}s: KILL"; kill -KILL "$p" 2>/dev/null || true; fi
  fi
  rm -f "$RUN/$name.pid" "$RUN"/by-user/*/"$name.pid"
}

# wait_for DESCRIPTION SECONDS COMMAND…
wait_for() {
  local what=$1 secs=$2 i; shift 2
  for i in $(seq 1 $((secs * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  log "timed out after ${secs}s waiting for $what"; return 1
}

# Secrets of the local topology (generated once, mode 600).
load_secrets() {
  mkdir -p "$LOCAL"
  local f=$LOCAL/secrets.env
  if [ ! -s "$f" ]; then
    umask 077
    {
      echo "PG_SUPERUSER_PASSWORD=$(openssl rand -hex 16)"
      echo "PG_REPLICATION_PASSWORD=$(openssl rand -hex 16)"
      echo "PATRONI_API_PASSWORD=$(openssl rand -hex 16)"
    } >"$f"
    umask 022
  fi
  # Secrets added after a topology was first made.
  grep -q '^HAPROXY_STATS_PASSWORD=' "$f" || echo "HAPROXY_STATS_PASSWORD=$(openssl rand -hex 16)" >>"$f"
  grep -q '^HAPROXY_METRICS_PASSWORD=' "$f" || echo "HAPROXY_METRICS_PASSWORD=$(openssl rand -hex 16)" >>"$f"
  # pgBackRest's repository key: only for a repository made encrypted
  # (deploy/local decides when it first creates the stanza).
  # shellcheck disable=SC1090
  set -a; . "$f"; set +a
}

# The platform's DATABASE_URL through HAProxy's primary port (or PORT), as
# the superuser. `sslmode=require`: the tenant-host and provisioner
# (PostgresNIO) then verify the member's certificate, chain and name,
# against `sslrootcert`, the links CA; libpq tools use the same URL
# (pg_url_libpq turns require into verify-full for them).
# Never put it on a command line: it holds the password.
db_url() { echo "postgres://postgres:${PG_SUPERUSER_PASSWORD}@127.0.0.1:${1:-$HAPROXY_PRIMARY_PORT}/${2:-$DB_NAME}?sslmode=require&sslrootcert=$LINKS_CA"; }
# The same for libpq, without the password (give it as PGPASSWORD).
pg_url() { echo "postgres://postgres@127.0.0.1:${1:-$HAPROXY_PRIMARY_PORT}/${2:-$DB_NAME}?sslmode=verify-full&sslrootcert=$LINKS_CA"; }
psql_primary() { # [-d DB] ARGS…
  local db=$DB_NAME
  if [ "${1:-}" = -d ]; then db=$2; shift 2; fi
  PGPASSWORD=$PG_SUPERUSER_PASSWORD psql "$(pg_url "$HAPROXY_PRIMARY_PORT" "$db")" -X -q -v ON_ERROR_STOP=1 "$@"
}

# Patroni's REST API: HTTPS with a client certificate (verify_client:
# required). rest PORT PATH [curl options…]
rest() {
  local port=$1 path=$2; shift 2
  curl -fsS --cacert "$LINKS_CA" --cert "$LINKS/admin/cert.pem" --key "$LINKS/admin/key.pem" "$@" "https://127.0.0.1:$port$path"
}
# rest_status PORT PATH: the HTTP status of PATH, the answer read to its end
# (curl -f would hang up on a 503 before its body and Patroni, over TLS,
# logs a failed write).
rest_status() {
  curl -sS -o /dev/null -w '%{http_code}' --max-time 1 --cacert "$LINKS_CA" --cert "$LINKS/admin/cert.pem" \
    --key "$LINKS/admin/key.pem" "https://127.0.0.1:$1$2" 2>/dev/null
}
# etcdctl with the admin client certificate over TLS.
etcd_ctl() {
  ETCDCTL_API=3 etcdctl --cacert="$LINKS_CA" --cert="$LINKS/admin/cert.pem" --key="$LINKS/admin/key.pem" "$@"
}
# HAProxy's stats (HTTPS, basic authentication): the credentials reach curl
# on its standard input as a config line, never on its command line.
haproxy_stats() { # PORT PATH
  printf 'user = "admin:%s"\n' "$HAPROXY_STATS_PASSWORD" |
    curl -fsS --max-time 2 --cacert "$LINKS_CA" -K - "https://127.0.0.1:$1$2"
}
