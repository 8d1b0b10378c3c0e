#!/usr/bin/env bash
# Runs every benchmark and prints the machine and a summary against the goals, for
# docs/performance.md. Takes about 45 s. Run it on a quiet machine: it warns when the machine
# was busy in the 3 s before it starts, and prints how busy it was during each step.
#
# Build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
# Usage: bench/run_all.sh    (env: BUILD_DIR, default build/; COMMITS (2000), IDLE_SECONDS (20),
#                             STARTUP_RUNS (10); TMPDIR for where the commit benchmark writes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD_DIR:-$here/../build}
export LKP_KIOSK_BIN=${LKP_KIOSK_BIN:-$build/bin/lkp-kiosk}
commits=${COMMITS:-2000}
idle_seconds=${IDLE_SECONDS:-20}
startup_runs=${STARTUP_RUNS:-10}
tmp=${TMPDIR:-/tmp}
for f in "$build/bin/bench_commit_latency" "$LKP_KIOSK_BIN"; do
  [ -x "$f" ] || { echo "no $f; build first (see the top of this script)" >&2; exit 1; }
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# How busy the whole machine was while a step ran (all cores, the benchmark itself included):
# a kiosk step that shows much more than its own load had company, and its figures are suspect.
stat_mark() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat; }
busy_since() {
  local b0 i0 b1 i1
  read -r b0 i0 <<<"$1"
  read -r b1 i1 <<<"$(stat_mark)"
  awk -v b="$((b1 - b0))" -v i="$((i1 - i0))" -v n="$(nproc)" 'BEGIN {
    printf "  (machine %.0f %% busy during this step, all %d cores, this benchmark included)\n", 100 * b / (b + i + 1e-9), n }'
}

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
# The source the binaries were built from (a build dir may belong to another checkout).
src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
src=${src:-$here/..}
if rev=$(git -C "$src" rev-parse --short HEAD 2>/dev/null); then
  git -C "$src" diff --quiet HEAD -- app 2>/dev/null || rev="$rev, with local changes in app/"
else
  rev="not a git checkout"
fi
echo "source:   $src ($rev)"
echo "machine:  $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
     "$(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo), kernel $(uname -r)"
echo "binaries: $build/bin (kiosk: $LKP_KIOSK_BIN)"
echo "disk:     $tmp is $(df -T "$tmp" | awk 'NR == 2 {print $2 " on " $1}')"
mark=$(stat_mark); sleep 3
before=$(busy_since "$mark" | awk '{print $2 + 0}')
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min); machine ${before} % busy over the last 3 s"
if [ "$before" -gt 5 ]; then
  echo "WARNING:  something else is running (${before} % busy before the first step); figures will be pessimistic and noisy" >&2
fi
echo

echo "== commit latency: $build/bin/bench_commit_latency $commits"
mark=$(stat_mark)
"$build/bin/bench_commit_latency" "$commits" | tee -a "$out"
busy_since "$mark"
echo
echo "== idle CPU and peak RSS: bench/kiosk_idle_cpu.sh $idle_seconds"
mark=$(stat_mark)
"$here/kiosk_idle_cpu.sh" "$idle_seconds" | tee -a "$out"
busy_since "$mark"
echo
echo "== start to first frame: bench/kiosk_startup.sh $startup_runs"
mark=$(stat_mark)
"$here/kiosk_startup.sh" "$startup_runs" | tee -a "$out"
busy_since "$mark"
echo

echo "== summary"
awk '
  /^  median .* us  p90/ { printf "commit latency (synchronous=FULL): median %s us, p99 %s us (recorded)\n", $2, $8 }
  /^idle attract screen:/ { printf "idle attract screen CPU: %s %% of one core (goal <= 2 %%: %s)\n", $4,
                            ($4 + 0 <= 2) ? "met" : "NOT met" }
  /peak RSS \(VmHWM\)/ { printf "peak RSS: %s MiB (recorded)\n", $4 }
  /^  outside:/ { gsub(",", "", $3); printf "start to first frame: median %s ms (goal < 500 ms: %s)\n", $3,
                  ($3 + 0 < 500) ? "met" : "NOT met" }
' "$out"
