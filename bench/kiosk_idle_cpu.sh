#!/usr/bin/env bash
# CPU used by the idle attract screen over SECONDS (default 20) of wall time under Xvfb, and the
# kiosk's peak RSS. Usage: bench/kiosk_idle_cpu.sh [SECONDS]
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
seconds=${1:-20}

ticks() { awk '{print $14 + $15}' "/proc/$kiosk_pid/stat"; }

start_xvfb 1280x800
start_kiosk 1280x800 "$work/tree.json"
sleep 1   # let the first frames settle
hz=$(getconf CLK_TCK)
t0=$(ticks); w0=$(date +%s.%N)
sleep "$seconds"
t1=$(ticks); w1=$(date +%s.%N)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$kiosk_pid/status")
awk -v t="$((t1 - t0))" -v hz="$hz" -v w0="$w0" -v w1="$w1" -v rss="$rss" 'BEGIN {
  printf "idle attract screen: %.2f %% of one core over %.1f s (%d ticks at %d Hz); peak RSS %.1f MiB\n",
         100 * t / hz / (w1 - w0), w1 - w0, t, hz, rss / 1024 }'
