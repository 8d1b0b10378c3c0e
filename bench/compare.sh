#!/usr/bin/env bash
# Two builds side by side in one run, alternating, so a noisy machine hits both alike: commit
# latency, start-up to first frame, and the sync drain rate. Prints each figure and new/old ratios.
# Usage: bench/compare.sh OLD_BUILD_DIR NEW_BUILD_DIR [ROUNDS=3] [DRAIN_N=50000]
# Both builds need bin/lkp-kiosk, bin/lkp-store and bin/bench_commit_latency (a Release build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=$1 new=$2 rounds=${3:-3} drain_n=${4:-50000}
work=$(mktemp -d "${TMPDIR:-/tmp}/lkp-compare.XXXXXX")
store_pid=""
cleanup() {
  [ -n "$store_pid" ] && { kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b / a}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# drain BUILD: responses/s for `lkp-kiosk sync --once` (batches of 200) into a new SQLite store.
drain() {
  local bin=$1/bin port t0 t1
  rm -rf "$work/kiosk" "$work"/store.db*
  cp -r "$work/queued" "$work/kiosk"
  "$bin/lkp-store" kiosk add dev-kiosk --db "$work/store.db" | tail -n 1 >"$work/token"
  chmod 600 "$work/token"  # the kiosk refuses a token file others can read
  port=$(free_port)
  "$bin/lkp-store" serve --listen "127.0.0.1:$port" --db "$work/store.db" 2>/dev/null &
  store_pid=$!
  until curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1; do sleep 0.05; done
  t0=${EPOCHREALTIME//[!0-9]/}
  "$bin/lkp-kiosk" sync --once --data-dir "$work/kiosk" --store-url "http://127.0.0.1:$port" \
    --token-file "$work/token" >/dev/null
  t1=${EPOCHREALTIME//[!0-9]/}
  kill "$store_pid"; wait "$store_pid" 2>/dev/null || true; store_pid=""
  awk -v n="$(sqlite3 "$work/store.db" 'SELECT count(*) FROM responses')" -v us=$((t1 - t0)) 'BEGIN {printf "%.0f", n / (us / 1e6)}'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
echo "old: $old   new: $new   rounds: $rounds"
# One queue of answers for both, made by the old build (its folder is what a kiosk in the field has).
"$old/bin/lkp-kiosk" simulate --count "$drain_n" --data-dir "$work/queued" --seed 7 >/dev/null

declare -A commit startup rate
for r in $(seq 1 "$rounds"); do
  for side in old new; do
    build=${!side}
    c=$("$build/bin/bench_commit_latency" 2000 | sed -n 's/.*median \([0-9.]*\) us.*/\1/p' | head -n 1)
    s=$(LKP_KIOSK_BIN=$build/bin/lkp-kiosk "$here/kiosk_startup.sh" 5 | sed -n 's/.*outside:  median \([0-9.]*\) ms.*/\1/p')
    d=$(drain "$build")
    commit[$side]+="$c " startup[$side]+="$s " rate[$side]+="$d "
    echo "round $r $side: commit median ${c} us, start-up median ${s} ms, drain ${d} responses/s"
  done
done
for what in commit startup rate; do
  declare -n m=$what
  o=$(median ${m[old]}) n=$(median ${m[new]})
  echo "$what: old median $o, new median $n, new/old $(ratio "$o" "$n")"
  unset -n m
done
