#!/usr/bin/env bash
# The accelerated soak at full length: N simulated sessions (default 500,000) through the real
# Session, Recorder and background sync into a real lkp-store on loopback (tests/soak/soak_kiosk.cpp).
# Prints sessions/s and RSS, open files and threads of the kiosk side and of the store at the start,
# after the warm-up (the first WARM_UP percent of sessions, default 10) and at the end; exit 1 when
# they grew or an answer is missing or doubled. The ctest `soak_accelerated` is the short version.
#   bench/soak.sh [N] [WARM_UP] [CSV_PREFIX]   BUILD_DIR=... picks the build (default build/)
# With CSV_PREFIX, every sample goes to CSV_PREFIX-kiosk.csv and CSV_PREFIX-store.csv.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
bin=$build/bin/soak_kiosk
if [ ! -x "$bin" ]; then
  echo "no $bin; build it: cmake --build $build --target soak_kiosk lkp-store" >&2
  exit 1
fi
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
     "$(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
echo "build:   $build ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")), commit $(git -C "$repo" rev-parse --short HEAD)"
echo "tmp:     $(df -T "${TMPDIR:-/tmp}" | awk 'NR == 2 {print $2 " on " $1}')"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at $(date -u +%FT%TZ)"
exec "$bin" "${1:-500000}" "${2:-10}" ${3:+"$3"}
