#!/usr/bin/env bash
# The store's throughput with K kiosks posting 200-answer batches at once (bench_store_load),
# two builds of lkp-store alternated in one run so the machine's noise hits both alike.
# Prints responses/s per round, the medians and NEW/OLD. SQLite store, a new file each round.
# Usage: bench/store_load_compare.sh OLD_BUILD NEW_BUILD [ROUNDS=3] [K=100] [S=15]
set -euo pipefail
old=$1 new=$2 rounds=${3:-3} kiosks=${4:-100} seconds=${5:-15}
load_bin=$new/bin/bench_store_load  # one client for both stores
work=$(mktemp -d "${TMPDIR:-/tmp}/lkp-load-compare.XXXXXX")
store_pid=""
cleanup() {
  if [ -n "$store_pid" ]; then kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run BUILD: responses/s of one round against that build's store.
run() {
  local bin=$1/bin/lkp-store port url
  rm -rf "$work"/load.sqlite*
  : >"$work/tokens"
  for i in $(seq -f "%03g" 1 "$kiosks"); do
    echo "k$i $("$bin" kiosk add "k$i" --db "$work/load.sqlite" | tail -n 1)" >>"$work/tokens"
  done
  port=$(free_port)
  url="http://127.0.0.1:$port"
  "$bin" serve --listen "127.0.0.1:$port" --db "$work/load.sqlite" 2>"$work/store.log" &
  store_pid=$!
  for _ in $(seq 1 200); do curl -fsS "$url/v1/health" >/dev/null 2>&1 && break; sleep 0.05; done
  "$load_bin" "$url" "$work/tokens" "$seconds" >"$work/out" 2>&1 || true
  kill "$store_pid"; wait "$store_pid" 2>/dev/null || true; store_pid=""
  awk '/responses\/s/ { for (i = 1; i <= NF; ++i) if ($(i + 1) ~ /^responses\/s/) { print $i; exit } }' "$work/out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
echo "old: $old  new: $new  ($kiosks kiosks, ${seconds}s per round, $rounds rounds)"
: >"$work/old" ; : >"$work/new"
for r in $(seq 1 "$rounds"); do
  o=$(run "$old"); n=$(run "$new")
  echo "round $r: old $o responses/s, new $n responses/s"
  echo "$o" >>"$work/old"; echo "$n" >>"$work/new"
done
mo=$(median <"$work/old"); mn=$(median <"$work/new")
echo "median: old $mo responses/s, new $mn responses/s, new/old $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')"
