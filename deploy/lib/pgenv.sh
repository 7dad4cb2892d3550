# shellcheck shell=bash
# Passing a DATABASE_URL to libpq tools (psql, pg_dump, psycopg2) without
# its password on any command line: /proc/PID/cmdline is readable by every
# local user, a process's environment only by its owner and root.
#
#   PGPASSWORD=$(pg_url_password "$DATABASE_URL") psql "$(pg_url_libpq "$DATABASE_URL")" …
#
# The assignment before the command is made by bash itself and lands only
# in that child's environment; the URL goes to the helpers on standard input
# (printf is a builtin), never as an argument.
#
# pg_url_libpq also reads the platform's `sslmode=require` as libpq's
# `verify-full`: the tenant-host (PostgresNIO over NIOSSL) checks the
# server's certificate chain and name under `require`, libpq only encrypts;
# the scripts check what the hosts check. A URL that already says
# verify-ca/verify-full, prefer, disable or allow is left as it is.

# pg_url_libpq URL: the URL without its password, sslmode as above.
pg_url_libpq() {
  printf '%s' "$1" | python3 -c '
import sys, urllib.parse as u
url = sys.stdin.read()
p = u.urlsplit(url)
if p.scheme not in ("postgres", "postgresql"):
    sys.exit("not a postgres:// URL")
netloc = p.hostname or ""
if ":" in netloc:
    netloc = "[" + netloc + "]"
if p.port:
    netloc += ":%d" % p.port
if p.username:
    netloc = u.quote(u.unquote(p.username), safe="") + "@" + netloc
q = u.parse_qsl(p.query, keep_blank_values=True)
q = [(k, "verify-full" if k == "sslmode" and v == "require" else v) for k, v in q]
print(u.urlunsplit((p.scheme, netloc, p.path, u.urlencode(q, safe="/"), "")))'
}

# pg_url_password URL: the password of the URL, decoded (empty if none).
pg_url_password() {
  printf '%s' "$1" | python3 -c '
import sys, urllib.parse as u
p = u.urlsplit(sys.stdin.read())
sys.stdout.write(u.unquote(p.password or ""))'
}

# pg_psql URL ARGS…: psql on URL, the password in its environment only.
pg_psql_url() {
  local url=$1; shift
  local libpq; libpq=$(pg_url_libpq "$url") || return 2
  PGPASSWORD=$(pg_url_password "$url") psql "$libpq" "$@"
}
