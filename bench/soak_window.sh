#!/usr/bin/env bash
# The window soak at full length: the real lkp-kiosk under a private Xvfb, tapped with xdotool
# through every screen in every language for SECONDS (default 3600), its RSS, open files and
# threads sampled from /proc (bench/soak_window.py). CSV=FILE keeps every sample. The ctest
# `soak_window` is the short version (150 s, three languages).
#   bench/soak_window.sh [SECONDS] [more soak_window.py options]     BUILD_DIR=... picks the build
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
seconds=${1:-3600}
shift || true
for b in lkp-kiosk lkp-store; do
  [ -x "$build/bin/$b" ] || { echo "no $build/bin/$b; build it first" >&2; exit 1; }
done
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
     "$(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
echo "build:   $build ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")), commit $(git -C "$repo" rev-parse --short HEAD)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at $(date -u +%FT%TZ)"
args=("$seconds" --kiosk "$build/bin/lkp-kiosk" --store "$build/bin/lkp-store")
if [ -n "${CSV:-}" ]; then args+=(--csv "$CSV"); fi
exec /usr/bin/python3 "$repo/bench/soak_window.py" "${args[@]}" "$@"
