#!/usr/bin/env bash
# CPU used by the kiosk on its idle attract screen (no input) over SECONDS (default 20) of wall
# time in a private Xvfb at 1280x800, as a % of one core (utime + stime of all its threads, from
# /proc/PID/stat), and its peak RSS (VmHWM). Xvfb's own CPU is shown too: a kiosk that redraws
# when nothing changes makes Xvfb busy as well. Goal: <= 2 % of one core.
# With --results, the data folder holds a results cache (DATA/results-cache.json, figures for
# district 041 and the city): the attract screen then shows the results slide between greetings,
# and the script checks that it did.
# Usage: bench/kiosk_idle_cpu.sh [SECONDS] [--results]    (env: see lib.sh)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
seconds=${1:-20}
results=${2:-}
settle=1   # seconds after the first frame before sampling: the store opens, ImGui settles

if [ "$results" = --results ]; then
  data=${LKP_BENCH_DATA_DIR:-$work/data}
  mkdir -p "$data"
  version=$(sed -n 's/^ *"version": *\([0-9]*\).*/\1/p' "$repo/assets/surveys/helsingborg-lkp.json" | head -1)
  # The cache as the kiosk writes it (app/core/results.cpp), for the built-in survey.
  cat >"$data/results-cache.json" <<JSON
{"format": "lkp-kiosk results cache 1", "survey_id": "helsingborg-lkp", "survey_version": $version,
 "period_kind": "year", "period": "2026", "district": "041", "fetched_at": "2026-11-30T10:00:00.000Z",
 "rows": [
  {"indicator": "trygghet_trygg_andel", "district": {"value": null, "n": null, "status": "too_few"},
   "city": {"value": 64.25, "n": 812, "status": "shown"}},
  {"indicator": "delaktighet_nii", "district": {"value": 41.0, "n": 38, "status": "shown"},
   "city": {"value": 45.5, "n": 790, "status": "shown"}},
  {"indicator": "livskvalitet_medel", "district": {"value": 7.4, "n": 39, "status": "shown"},
   "city": {"value": 7.1, "n": 805, "status": "shown"}}]}
JSON
elif [ -n "$results" ]; then
  echo "usage: bench/kiosk_idle_cpu.sh [SECONDS] [--results]" >&2
  exit 2
fi

start_xvfb 1280x800
start_kiosk 1280x800 "$work/tree.json"
doze "$settle"
screen=$(sed -n 's/^ *"screen": *"\([^"]*\)".*/\1/p' "$work/tree.json")
if [ "$screen" != attract ] && [ "$screen" != attract.results ]; then
  echo "the kiosk shows \"$screen\", not the attract screen; cannot measure idle CPU" >&2
  exit 1
fi

hz=$(getconf CLK_TCK)
k0=$(cpu_ticks "$kiosk_pid"); x0=$(cpu_ticks "$xvfb_pid"); c0=$(ctx_switches "$kiosk_pid")
w0=${EPOCHREALTIME//[!0-9]/}
if [ "$results" = --results ]; then
  # Looks at the tree file once a second (builtins only) to see the slide come round.
  slides=0 last=""
  for _ in $(seq 1 "$seconds"); do
    doze 1
    tree=$(<"$work/tree.json")
    case $tree in
      *'"screen": "attract.results"'*) [ "$last" = results ] || slides=$((slides + 1)); last=results ;;
      *) last="" ;;
    esac
  done
else
  doze "$seconds"
fi
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
if [ "$results" = --results ]; then
  echo "  results slide shown $slides times"
  if [ "$slides" = 0 ]; then
    echo "the results slide never showed; the kiosk's log:" >&2
    cat "$work/kiosk.log" >&2
    exit 1
  fi
fi
