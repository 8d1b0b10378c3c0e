#!/usr/bin/env bash
# Sync throughput, measured against the real lkp-store on loopback:
#  1. drain: N queued responses (default 100000, made by `lkp-kiosk simulate`) sent by
#     `lkp-kiosk sync --once` into a SQLite store; prints responses/s (goal: >= 20,000/s).
#  2. load: K simulated kiosks (default 100) posting 200-response batches at once for S seconds
#     (bench_store_load), against the SQLite store and against PostgreSQL (a throwaway cluster
#     from Debian's postgresql, as the tests use); prints responses/s and batch latency p50/p99.
# Usage: bench/sync.sh [N=100000] [K=100] [S=20]     BUILD_DIR=build by default.
#   K=0 skips step 2 (drain only). DRAIN_BATCHES="200 500 1000" drains once per batch size
#   (default "200 1000"; "default" sends no --batch-size, so the kiosk's own default is used),
#   each into a fresh store from the same queue. STORE_BIN=... drains into
#   another build's lkp-store (e.g. one from before a change) with this build's kiosk.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
n=${1:-100000} kiosks=${2:-100} seconds=${3:-20}
read -r -a drain_batches <<<"${DRAIN_BATCHES:-200 1000}"
kiosk_bin=$build/bin/lkp-kiosk store_bin=${STORE_BIN:-$build/bin/lkp-store} load_bin=$build/bin/bench_store_load
for b in "$kiosk_bin" "$store_bin" "$load_bin"; do
  [ -x "$b" ] || { echo "no $b: build first (cmake --build $build -j2)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lkp-sync-bench.XXXXXX")
chmod 755 "$work"   # the postgres user must reach its data folder inside
store_pid="" pg_dir=""
cleanup() {
  if [ -n "$store_pid" ]; then kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; fi
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_store ARGS...: lkp-store serve on a free port; sets store_url once /v1/health answers.
start_store() {
  local port
  port=$(free_port)
  "$store_bin" serve --listen "127.0.0.1:$port" "$@" 2>"$work/store.log" &
  store_pid=$!
  store_url="http://127.0.0.1:$port"
  for _ in $(seq 1 200); do
    curl -fsS "$store_url/v1/health" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "lkp-store did not start; its log:" >&2; cat "$work/store.log" >&2; exit 1
}
stop_store() { kill "$store_pid"; wait "$store_pid" 2>/dev/null || true; store_pid=""; }
# server_time: the store's own time per accepted batch, from its request log (median, p99).
server_time() {
  awk '/POST \/v1\/batches 200/ { sub("ms", "", $NF); print $NF }' "$work/store.log" | sort -n |
    awk '{ v[NR] = $1 } END { if (!NR) exit; p = int(NR * 0.99); if (p < 1) p = 1
      printf "store side per batch: median %.1f ms, p99 %.1f ms (%d batches)\n", v[int((NR + 1) / 2)], v[p], NR }'
}

# add_kiosks DB_ARGS...: K kiosks k001..kK; writes "name token" lines to $work/tokens.
add_kiosks() {
  : >"$work/tokens"
  for i in $(seq -f "%03g" 1 "$kiosks"); do
    echo "k$i $("$store_bin" kiosk add "k$i" "$@" | tail -n 1)" >>"$work/tokens"
  done
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"
echo "binaries: $build/bin, commit $(git -C "$repo" rev-parse --short HEAD); store: $store_bin"

echo "== 1. drain $n queued sessions' answers from one kiosk into the SQLite store"
"$kiosk_bin" simulate --count "$n" --data-dir "$work/kiosk0" --seed 7 >/dev/null
queued=$(sqlite3 "$work/kiosk0/responses.sqlite" "SELECT count(*) FROM outbox")
for batch in "${drain_batches[@]}"; do
  rm -rf "$work/kiosk" "$work"/drain.sqlite*
  cp -r "$work/kiosk0" "$work/kiosk"
  "$store_bin" kiosk add dev-kiosk --db "$work/drain.sqlite" | tail -n 1 >"$work/token"
  chmod 600 "$work/token"  # the kiosk refuses a token file others can read
  start_store --db "$work/drain.sqlite"
  batch_args=()
  [ "$batch" = default ] || batch_args=(--batch-size "$batch")
  t0=${EPOCHREALTIME//[!0-9]/}
  "$kiosk_bin" sync --once "${batch_args[@]}" --data-dir "$work/kiosk" --store-url "$store_url" \
    --token-file "$work/token" >"$work/sync.log" 2>&1 || { echo "sync failed:" >&2; cat "$work/sync.log" >&2; exit 1; }
  t1=${EPOCHREALTIME//[!0-9]/}
  left=$(sqlite3 "$work/kiosk/responses.sqlite" "SELECT count(*) FROM outbox")
  stored=$(sqlite3 "$work/drain.sqlite" "SELECT count(*) FROM responses")
  stop_store
  server_time
  awk -v q="$queued" -v us=$((t1 - t0)) -v s="$stored" -v l="$left" -v b="$batch" 'BEGIN {
    printf "drain, batches of %s: %d responses in %.2f s = %.0f responses/s (stored %d, left in outbox %d)\n",
      b, q, us / 1e6, q / (us / 1e6), s, l }'
done

[ "$kiosks" -gt 0 ] || exit 0

echo "== 2a. $kiosks kiosks at once for $seconds s, SQLite store"
add_kiosks --db "$work/load.sqlite"
start_store --db "$work/load.sqlite"
"$load_bin" "$store_url" "$work/tokens" "$seconds" || echo "(some batches failed: see above)"
stop_store
server_time

echo "== 2b. $kiosks kiosks at once for $seconds s, PostgreSQL store"
pg_dir="$work/pgdata"; mkdir -p "$pg_dir"; chown postgres "$pg_dir"
pg_port=$(free_port)
runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$pg_dir/pg" -A trust -U lkp >/dev/null
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/pg" -l "$pg_dir/log" -w \
  -o "-k $pg_dir -p $pg_port -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
pg_url="postgresql://lkp@127.0.0.1:$pg_port/postgres"
add_kiosks --postgres "$pg_url"
start_store --postgres "$pg_url"
"$load_bin" "$store_url" "$work/tokens" "$seconds" || echo "(some batches failed: see above)"
stop_store
server_time
