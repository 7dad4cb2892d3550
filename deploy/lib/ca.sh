# shellcheck shell=bash
# A throwaway certificate authority for local topologies and config tests:
# never used in production (there, certbot obtains the certificates; see
# deploy/README.md). ECDSA P-256 keys, like certbot's --key-type ecdsa.

# ca_init DIR: a CA under DIR (ca.pem, ca.key) unless it exists.
ca_init() {
  local dir=$1
  [ -s "$dir/ca.pem" ] && return 0
  mkdir -p "$dir"; chmod 700 "$dir"
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 30 -subj "/CN=Throwaway province CA $(hostname)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem" 2>/dev/null
}

# ca_issue CADIR LIVEDIR NAME SAN…: LIVEDIR/NAME/{fullchain.pem,privkey.pem}
# (certbot's layout) for the given names, unless one for the same names exists.
ca_issue() {
  local ca=$1 live=$2 name=$3; shift 3
  local out=$live/$name sans="" s
  for s in "$@"; do sans="${sans:+$sans,}DNS:$s"; done
  if [ -s "$out/fullchain.pem" ] && [ "$(cat "$out/sans" 2>/dev/null)" = "$sans" ]; then return 0; fi
  mkdir -p "$out"
  openssl ecparam -name prime256v1 -genkey -noout -out "$out/privkey.pem" 2>/dev/null
  chmod 600 "$out/privkey.pem"
  openssl req -new -key "$out/privkey.pem" -subj "/CN=$1" -out "$out/req.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' "$sans" >"$out/ext.cnf"
  openssl x509 -req -in "$out/req.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial -days 30 -sha256 \
    -extfile "$out/ext.cnf" -out "$out/cert.pem" 2>/dev/null || return 1
  cat "$out/cert.pem" "$ca/ca.pem" >"$out/fullchain.pem"
  echo "$sans" >"$out/sans"
  rm -f "$out/req.csr" "$out/ext.cnf"
}

# ca_issue_listed CADIR LIVEDIR < "NAME SAN…" lines (deploy/front-config --list-certs)
ca_issue_listed() {
  local ca=$1 live=$2 line n=0
  # shellcheck disable=SC2086
  while read -r line; do [ -n "$line" ] || continue; ca_issue "$ca" "$live" $line || return 1; n=$((n + 1)); done
  echo "$n"
}

# The CA of the links between machines (etcd, Patroni's REST API,
# PostgreSQL, HAProxy's checks and stats, Prometheus): a CA of its own, not
# the web CA above, so that a certificate for a commune's name never opens
# an internal link and the other way round. Its name constraints limit the
# host names it can vouch for to the province's internal zone (and
# localhost), so that trusting it system-wide (deploy/local still adds it
# to the system's store, see deploy/README.md) cannot make it vouch for a
# public site. No constraint on IP addresses: BoringSSL (the tenant-host's
# TLS, through NIOSSL) refuses every chain under a CA that has one, whatever
# the address. On the machines, links name their peers by DNS names.
#
# ca_init_links DIR [PERMITTED…]: DIR/ca.pem, ca.key unless they exist;
# PERMITTED are nameConstraints entries (default: hue.internal, localhost).
ca_init_links() {
  local dir=$1; shift
  [ -s "$dir/ca.pem" ] && return 0
  local permitted=("$@") nc="" p
  [ ${#permitted[@]} -gt 0 ] || permitted=("DNS:${SCOPE:-hue}.internal" "DNS:localhost")
  for p in "${permitted[@]}"; do nc="${nc:+$nc,}permitted;$p"; done
  mkdir -p "$dir"; chmod 755 "$dir"
  openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key" 2>/dev/null
  chmod 600 "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 30 -subj "/CN=Throwaway province links CA $(hostname)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "nameConstraints=critical,$nc" -out "$dir/ca.pem" 2>/dev/null
  chmod 644 "$dir/ca.pem"
}

# ca_issue_link CADIR OUTDIR OWNER USAGE CN SAN…: OUTDIR/{cert.pem,key.pem}
# (and bundle.pem: certificate then key, HAProxy's format), key mode 600
# owned by OWNER. USAGE: server (serverAuth), client (clientAuth) or both.
# SAN entries are DNS:name or IP:address. Kept when one for the same
# names exists and stays valid for 7 more days.
ca_issue_link() {
  local ca=$1 out=$2 owner=$3 usage=$4 cn=$5; shift 5
  local sans eku
  sans=$(IFS=,; echo "$*")
  case $usage in
    server) eku=serverAuth ;; client) eku=clientAuth ;; both) eku=serverAuth,clientAuth ;;
    *) echo "ca_issue_link: usage must be server, client or both" >&2; return 1 ;;
  esac
  if [ -s "$out/cert.pem" ] && [ "$(cat "$out/sans" 2>/dev/null)" = "$usage $sans" ] &&
    openssl x509 -in "$out/cert.pem" -noout -checkend 604800 >/dev/null 2>&1 &&
    openssl verify -CAfile "$ca/ca.pem" "$out/cert.pem" >/dev/null 2>&1; then
    chown "$owner" "$out/key.pem" "$out/bundle.pem"; return 0
  fi
  mkdir -p "$out"; chmod 755 "$out"
  openssl ecparam -name prime256v1 -genkey -noout -out "$out/key.pem" 2>/dev/null
  chmod 600 "$out/key.pem"
  openssl req -new -key "$out/key.pem" -subj "/CN=$cn" -out "$out/req.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n' \
    "$sans" "$eku" >"$out/ext.cnf"
  openssl x509 -req -in "$out/req.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial -days 30 -sha256 \
    -extfile "$out/ext.cnf" -out "$out/cert.pem" 2>/dev/null || return 1
  chmod 644 "$out/cert.pem"
  (umask 077; cat "$out/cert.pem" "$out/key.pem" >"$out/bundle.pem")
  echo "$usage $sans" >"$out/sans"
  rm -f "$out/req.csr" "$out/ext.cnf"
  chown "$owner" "$out/key.pem" "$out/bundle.pem"
}
