#!/usr/bin/env bash
# CPU used by the kiosk on its idle attract screen (no input) over SECONDS (default 20) of wall
# time in a private Xvfb at 1280x800, as a % of one core (utime + stime of all its threads, from
# /proc/PID/stat), and its peak RSS (VmHWM). Xvfb's own CPU is shown too: a kiosk that redraws
# when nothing changes makes Xvfb busy as well. Goal: <= 2 % of one core.
# Usage: bench/kiosk_idle_cpu.sh [SECONDS]    (env: see lib.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
seconds=${1:-20}
settle=1   # seconds after the first frame before sampling: the store opens, ImGui settles

start_xvfb 1280x800
start_kiosk 1280x800 "$work/tree.json"
doze "$settle"
screen=$(sed -n 's/^ *"screen": *"\([^"]*\)".*/\1/p' "$work/tree.json")
if [ "$screen" != attract ]; then
  echo "the kiosk shows \"$screen\", not the attract screen; cannot measure idle CPU" >&2
  exit 1
fi

hz=$(getconf CLK_TCK)
k0=$(cpu_ticks "$kiosk_pid"); x0=$(cpu_ticks "$xvfb_pid"); c0=$(ctx_switches "$kiosk_pid")
w0=${EPOCHREALTIME//[!0-9]/}
doze "$seconds"
k1=$(cpu_ticks "$kiosk_pid"); x1=$(cpu_ticks "$xvfb_pid"); c1=$(ctx_switches "$kiosk_pid")
w1=${EPOCHREALTIME//[!0-9]/}
alive "$kiosk_pid" || { echo "the kiosk stopped while idle; its log:" >&2; cat "$work/kiosk.log" >&2; exit 1; }
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$kiosk_pid/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$kiosk_pid/status")
threads=$(awk '/^Threads/ {print $2}' "/proc/$kiosk_pid/status")

awk -v k="$((k1 - k0))" -v x="$((x1 - x0))" -v c="$((c1 - c0))" -v hz="$hz" -v us="$((w1 - w0))" \
    -v hwm="$hwm" -v rss="$rss" -v threads="$threads" 'BEGIN {
  s = us / 1e6
  cpu = 100 * k / hz / s
  printf "idle attract screen: %.2f %% of one core over %.1f s (%d ticks at %d Hz, 1 tick = %.2f %%; goal <= 2 %%: %s)\n",
         cpu, s, k, hz, 100 / hz / s, cpu <= 2 ? "met" : "NOT met"
  printf "  kiosk woken %d times (context switches, %d threads); Xvfb %.2f %% of one core\n", c, threads, 100 * x / hz / s
  printf "  peak RSS (VmHWM) %.1f MiB, RSS now %.1f MiB\n", hwm / 1024, rss / 1024 }'
