# shellcheck shell=bash
# Installing what the scripts need, when missing: Debian's packages, and
# cmark-gfm built from source (ops/lib/cmark.sh). Source this file
# (ops/lib/postgres.sh does); deps_install_build installs what building the
# platform needs besides Swift: cmark-gfm (Markdown), libxml2's headers and
# pkg-config.

deps_log() { echo "[deps] $*" >&2; }

source "$(dirname "${BASH_SOURCE[0]}")/cmark.sh"

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

# cmark-gfm comes from ops/lib/cmark.sh, not from Debian: Debian 12's
# 0.29.0.gfm.6 has quadratic-time inputs that later releases fixed. Its
# static libraries and libcmark-gfm.pc land in /usr/local; pkg-config finds
# that .pc first, and its -L/usr/local/lib comes before the linker's default
# directories, so Debian's libcmark-gfm-dev may stay installed. pkg-config is
# what SwiftPM finds the library with; the C compiler, ar and pip are
# installed only when cmark-gfm has to be built.
deps_install_build() {
  if ! command -v pkg-config >/dev/null 2>&1; then
    deps_apt_install pkg-config || return 1
  fi
  # libxml2's headers: the site import reads old sites' HTML with its parser.
  if ! pkg-config --exists libxml-2.0; then
    deps_apt_install libxml2-dev || return 1
  fi
  deps_install_cmark
}

# libvips (the vips command) strips uploaded images' metadata and makes
# their WebP widths (ImageResizer); without it images are kept as uploaded.
deps_install_images() {
  command -v vips >/dev/null 2>&1 && command -v vipsheader >/dev/null 2>&1 && return 0
  deps_apt_install libvips-tools
}

# pandoc turns an uploaded Word document (.docx) into a draft; without it
# the console says it cannot.
deps_install_documents() {
  command -v pandoc >/dev/null 2>&1 && return 0
  deps_apt_install pandoc
}

# nginx with the Lua (front cache generations) and Brotli modules: the front
# cache's tests run the repository's deploy/nginx configuration in front of a
# test host.
deps_install_front() {
  if [ -x /usr/sbin/nginx ] && [ -f /usr/lib/nginx/modules/ngx_http_lua_module.so ] \
    && [ -f /usr/lib/nginx/modules/ndk_http_module.so ] && [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
    return 0
  fi
  deps_apt_install nginx libnginx-mod-http-lua libnginx-mod-http-ndk libnginx-mod-http-brotli-filter
}
