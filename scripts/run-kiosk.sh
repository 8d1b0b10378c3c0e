#!/usr/bin/env bash
# Installs what is missing, builds, and starts the kiosk in a window with the built-in
# Helsingborg survey. Answers go to ./kiosk-data. Extra arguments go to lkp-kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLKP_BUILD_TESTS=OFF -DLKP_BUILD_BENCH=OFF >/dev/null
cmake --build build -j2 --target lkp-kiosk

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: run this from a desktop session, or under Xvfb: xvfb-run -a -s '-screen 0 1280x800x24' $0" >&2
  exit 1
fi
exec build/bin/lkp-kiosk --windowed 1280x800 --data-dir ./kiosk-data "$@"
