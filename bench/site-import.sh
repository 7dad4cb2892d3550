#!/usr/bin/env bash
# An old site of ITEMS posts and FILES files (nine in ten images) imported
# into one commune by `provisioner site import --wxr … --files … --publish`
# (release build), against the floor measured in the same run: libvips
# alone making the same copies of the same images (vipsthumbnail batches,
# two at once, as the import runs them), with nothing else.
#   bench/site-import.sh [ITEMS] [FILES]      default 10000 3000
# Prints a block for BENCHMARKS.md (also in $BENCH_STATE/site-import.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
ITEMS=${1:-10000}
FILES=${2:-3000}
DB=bench_site_import
DATA=$BENCH_STATE/site-import-data
OUT=$BENCH_STATE/site-import.md

bench_build
deps_install_images
bench_database "$DB"
"$BIN/provisioner" import "$ROOT/data/vn-admin-units-2024.csv" --province 36 >/dev/null
rm -rf "$DATA" && mkdir -p "$DATA"
python3 "$ROOT/bench/site-import-data.py" "$DATA" "$ITEMS" "$FILES" >&2
UPLOADS=$(find "$DATA/mirror" -type d -name 01 | head -1)

# The floor: every image through the same three vipsthumbnail runs, 24 a batch, two batches at once.
FLOOR_DIR=$BENCH_STATE/site-import-floor
rm -rf "$FLOOR_DIR" && mkdir -p "$FLOOR_DIR"
floor_batch() {
  local out=$1; shift
  mkdir -p "$out"
  VIPS_CONCURRENCY=1 VIPS_NOVECTOR=1 VIPS_WARNING=0 vipsthumbnail -s "100000x100000>" -o "$out/%s-o.jpg[Q=90,strip]" "$@"
  VIPS_CONCURRENCY=1 VIPS_NOVECTOR=1 VIPS_WARNING=0 vipsheader -f width "$out"/*-o.jpg >/dev/null
  for w in 480 960; do
    VIPS_CONCURRENCY=1 VIPS_NOVECTOR=1 VIPS_WARNING=0 vipsthumbnail -s "${w}x100000>" -o "$out/%s-w$w.webp[Q=80,strip]" "$out"/*-o.jpg
  done
}
export -f floor_batch
export FLOOR_DIR
blog "floor: libvips alone on $(ls "$UPLOADS"/*.jpg | wc -l) images"
FLOOR_START=$(date +%s.%N)
ls "$UPLOADS"/*.jpg | xargs -n 24 -P 2 bash -c 'floor_batch "$FLOOR_DIR/$$" "$@"' _
FLOOR_END=$(date +%s.%N)

blog "import"
START=$(date +%s.%N)
"$BIN/provisioner" site import --wxr "$DATA/export.xml" --files "$DATA/mirror" --commune 14224 --publish | tee "$BENCH_STATE/site-import.log" >&2
END=$(date +%s.%N)
RSTART=$(date +%s.%N)
"$BIN/provisioner" site import --wxr "$DATA/export.xml" --files "$DATA/mirror" --commune 14224 --publish > "$BENCH_STATE/site-import-rerun.log"
REND=$(date +%s.%N)
ENTRIES=$(bench_psql -d "$DB" -c "select count(*) from c_14224.entries")
STORED=$(bench_psql -d "$DB" -c "select count(*) from c_14224.files")
{
  echo "### bench/site-import.sh $ITEMS $FILES, $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "- $(tail -1 "$BENCH_STATE/site-import.log")"
  awk -v s="$START" -v e="$END" -v fs="$FLOOR_START" -v fe="$FLOOR_END" -v rs="$RSTART" -v re="$REND" -v n="$ENTRIES" -v f="$STORED" 'BEGIN {
    printf "- import: %.1f s (%d items, %d files in the commune; target under 300 s)\n", e - s, n, f
    printf "- floor, libvips alone on the same images: %.1f s; the import takes %.2fx the floor\n", fe - fs, (e - s) / (fe - fs)
    printf "- second run (nothing to do): %.1f s\n", re - rs }'
} | tee "$OUT"
