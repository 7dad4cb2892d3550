# shellcheck shell=bash
# A private PostgreSQL cluster for ops/run and ops/test: find (or install)
# the server binaries, init a cluster in a directory, start and stop it.
# Source this file; functions print what they do on stderr.

source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
# shellcheck source=deploy/lib/ca.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../deploy/lib/ca.sh"

pg_log() { echo "[postgres] $*" >&2; }

# Sets PG_BIN to a directory holding initdb/pg_ctl/postgres (version 14+),
# installing Debian's PostgreSQL server if the machine has none.
pg_find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then PG_BIN=$dir; return 0; fi
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    PG_BIN=$(pg_config --bindir); return 0
  fi
  pg_log "no PostgreSQL server found; installing Debian's postgresql package (or set DATABASE_URL)"
  deps_apt_install postgresql postgresql-contrib || return 1
  # The package may start a system cluster on 5432; ours use their own port.
  pg_find_bin
}

# Runs a command as the cluster owner: root cannot own a cluster.
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start DATADIR PORT [fast]: init the cluster if needed, start it on
# 127.0.0.1:PORT with its socket in DATADIR. "fast" trades durability for
# speed (fsync off), for throwaway test clusters.
pg_start() {
  local data=$1 port=$2 mode=${3:-}
  pg_find_bin || return 1
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then chown postgres "$data" 2>/dev/null || { id postgres >/dev/null 2>&1 || useradd --system postgres; chown postgres "$data"; }; fi
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    pg_log "initdb $data"
    pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$data.initdb.log" 2>&1 ||
      pg_as_owner "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >"$data.initdb.log" 2>&1 || {
        cat "$data.initdb.log" >&2; return 1; }
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$data'"
      echo "max_connections = 200"
      echo "shared_buffers = 256MB"
      echo "timezone = 'UTC'"
      echo "log_min_messages = warning"
      echo "max_locks_per_transaction = 256"
      # Moving a commune between clusters streams its schema by logical replication.
      echo "wal_level = logical"
      echo "max_replication_slots = 40"
      echo "max_wal_senders = 40"
      echo "max_logical_replication_workers = 16"
      echo "max_worker_processes = 24"
      echo "wal_retrieve_retry_interval = 500ms"
      if [ "$mode" = fast ]; then
        echo "max_connections = 600"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } | pg_as_owner tee -a "$data/postgresql.conf" >/dev/null
  fi
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    pg_log "already running ($data)"
    return 0
  fi
  pg_log "starting on 127.0.0.1:$port ($data)"
  pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -o "-p $port" -l "$data/server.log" -w -t 60 start >/dev/null || {
    tail -20 "$data/server.log" >&2; return 1; }
}

pg_stop() {
  local data=$1
  [ -f "$data/PG_VERSION" ] || return 0
  pg_find_bin >/dev/null 2>&1 || return 0
  if pg_as_owner "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    pg_log "stopping ($data)"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

# pg_enable_tls DATADIR DIR: the running cluster also accepts TLS, with a
# certificate for 127.0.0.1 and localhost signed by a throwaway CA
# (deploy/lib/ca.sh). DIR receives that CA (ca/ca.pem) and a second CA that
# signed nothing (other/ca.pem), for tests of how clients check the server.
pg_enable_tls() {
  local data=$1 dir=$2 owner
  command -v openssl >/dev/null 2>&1 || deps_apt_install openssl || return 1
  owner=$(id -un); [ "$(id -u)" = 0 ] && owner=postgres
  ca_init "$dir/ca" && ca_init "$dir/other" &&
    ca_issue_link "$dir/ca" "$dir/server" "$owner" server localhost DNS:localhost IP:127.0.0.1 || {
      pg_log "could not make the test certificates in $dir"; return 1; }
  printf "ssl = on\nssl_cert_file = '%s'\nssl_key_file = '%s'\n" "$dir/server/cert.pem" "$dir/server/key.pem" |
    pg_as_owner tee -a "$data/postgresql.conf" >/dev/null &&
    pg_as_owner "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null || return 1
  pg_log "TLS on, signed by $dir/ca/ca.pem"
}

# pg_ensure_db PORT NAME: create the database if missing.
pg_ensure_db() {
  local port=$1 name=$2
  if ! "$(pg_psql)" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    pg_log "createdb $name"
    "$(pg_psql)" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database \"$name\"" >/dev/null
  fi
}

# A free TCP port on loopback.
pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_psql() {
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/psql" ]; then echo "$PG_BIN/psql"; else echo psql; fi
}
