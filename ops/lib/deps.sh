# shellcheck shell=bash
# What building the platform needs besides Swift: cmark-gfm (Markdown),
# from Debian, installed when missing. Source this file, then call
# deps_install_build.

deps_log() { echo "[deps] $*" >&2; }

deps_install_build() {
  if [ -f /usr/include/cmark-gfm.h ] && [ -f /usr/include/cmark-gfm-core-extensions.h ] &&
     command -v pkg-config >/dev/null 2>&1; then
    return 0
  fi
  deps_log "installing cmark-gfm (libcmark-gfm-dev, libcmark-gfm-extensions-dev) and pkg-config"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      deps_log "cannot install without root: install libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config"; return 1
    fi
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config >&2 || {
      deps_log "apt-get install of cmark-gfm failed"; return 1; }
}
