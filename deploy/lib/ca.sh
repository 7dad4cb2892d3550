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
