#!/usr/bin/env bash
# Time from launching lkp-kiosk to its first frame under Xvfb, RUNS times (default 10): measured
# outside (until the UI tree file, written right after the first frame, exists) and as the
# program reports it. Usage: bench/kiosk_startup.sh [RUNS]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
runs=${1:-10}

start_xvfb 1280x800
outside=(); inside=()
for _ in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  start_kiosk 1280x800 "$work/tree.json"
  t1=$(date +%s%N)
  outside+=($(( (t1 - t0) / 1000000 )))
  stop_kiosk   # the program logs its own figure just after the frame; read it once it has stopped
  inside+=("$(sed -n 's/.*first frame after \([0-9]*\) ms.*/\1/p' "$work/kiosk.log")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "start to first frame over $runs runs: median $(median "${outside[@]}") ms from outside" \
     "(all: ${outside[*]}), median $(median "${inside[@]}") ms as the program reports it"
