# shellcheck shell=bash
# Installing what the scripts need from Debian, when missing. Source this
# file (ops/lib/postgres.sh does); deps_install_build installs what building
# the platform needs besides Swift: cmark-gfm (Markdown) and pkg-config.

deps_log() { echo "[deps] $*" >&2; }

# deps_apt_install PACKAGE…: apt-get install as root (or with sudo -n).
deps_apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      deps_log "cannot install without root; install these Debian packages: $*"; return 1
    fi
  fi
  deps_log "installing $*"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || {
      deps_log "apt-get install $* failed"; return 1; }
}

deps_install_build() {
  if [ -f /usr/include/cmark-gfm.h ] && [ -f /usr/include/cmark-gfm-core-extensions.h ] &&
     command -v pkg-config >/dev/null 2>&1; then
    return 0
  fi
  deps_apt_install libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config
}

# nginx with the cache-purge and Brotli modules: the front cache's tests run the
# repository's deploy/nginx configuration in front of a test host.
deps_install_front() {
  if [ -x /usr/sbin/nginx ] && [ -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so ] \
    && [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
    return 0
  fi
  deps_apt_install nginx libnginx-mod-http-cache-purge libnginx-mod-http-brotli-filter
}
