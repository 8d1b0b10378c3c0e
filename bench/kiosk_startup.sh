#!/usr/bin/env bash
# Time from launching lkp-kiosk to its first frame in a private Xvfb at 1280x800, RUNS times
# (default 10), two ways:
#   outside:  from just before the launch until the UI tree file exists (the kiosk writes it
#             atomically after drawing its first frame, just before presenting it); polled every 2 ms
#   reported: the kiosk's own "first frame after N ms" (from the start of run_kiosk to after the
#             first present; it leaves out exec, dynamic linking and static initialisation)
# The kiosk is stopped (SIGTERM) between runs; one Xvfb serves all runs. Goal: < 500 ms.
# Usage: bench/kiosk_startup.sh [RUNS]    (env: see lib.sh; LKP_BENCH_DATA_DIR for a full database)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
runs=${1:-10}

start_xvfb 1280x800
outside=()
reported=()
for _ in $(seq 1 "$runs"); do
  start_kiosk 1280x800 "$work/tree.json"
  outside+=("$launch_ms")
  stop_kiosk   # the kiosk logs its figure just after the frame; read the log once it has stopped
  ms=$(sed -n 's/.*first frame after \([0-9]*\) ms.*/\1/p' "$work/kiosk.log")
  reported+=("${ms:-?}")
done

med=$(median "${outside[@]}")
range() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}'; }
echo "start to first frame, $runs runs, data folder ${LKP_BENCH_DATA_DIR:-new (no responses)}:"
echo "  outside:  median $med ms, range $(range "${outside[@]}") ms; all: ${outside[*]}"
echo "  reported: median $(median "${reported[@]}") ms, range $(range "${reported[@]}") ms; all: ${reported[*]}"
awk -v m="$med" 'BEGIN { printf "  goal < 500 ms: %s\n", m < 500 ? "met" : "NOT met" }'
