#!/usr/bin/env bash
# Runs every benchmark and prints the machine, for docs/performance.md.
# Build first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
set -euo pipefail
here=$(dirname "$0")
build=${BUILD_DIR:-$here/../build}
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(free -g | awk '/Mem:/ {print $2}') GiB," \
     "kernel $(uname -r), /tmp on $(df -T /tmp | awk 'NR==2 {print $2}')"
"$build/bin/bench_commit_latency" 2000
"$here/kiosk_idle_cpu.sh" 20
"$here/kiosk_startup.sh" 10
