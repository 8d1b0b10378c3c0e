#!/usr/bin/env bash
# The web pages at scale (issue 10): a SQLite store of N answers (default 10,000,000; made by
# bench/fill_store.sh, or QUERY_DB=FILE reused as bench/indicators.sh does) and K kiosks (default
# 200: the fill's k01..k40, silent, and k041.. each with a heartbeat), `lkp-store serve` on
# loopback (which adds up the indicator sums on its first start), a staff login through the form
# with curl, then R rounds (default 30) of GET / (the public results page) and GET /staff/kiosks,
# one request at a time, after 2 warm-up rounds. Prints the median, p90 and max of curl's
# time_total in ms and each page's size in bytes. Goal: under 200 ms each.
# Usage: bench/web_pages.sh [N=10000000] [K=200] [R=30]     BUILD_DIR=build by default.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
n=${1:-10000000} k=${2:-200} rounds=${3:-30}
store_bin=$build/bin/lkp-store
[ -x "$store_bin" ] || { echo "no $store_bin: build first (cmake --build $build -j2 --target lkp-store)" >&2; exit 1; }
for tool in sqlite3 curl; do command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done
# shellcheck source=fill_store.sh
source "$repo/bench/fill_store.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/lkp-web-bench.XXXXXX")
store_pid=""
cleanup() {
  if [ -n "$store_pid" ]; then kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db=${QUERY_DB:-$work/web.sqlite}
if [ ! -f "$db" ]; then
  echo "filling $db with $n answers"
  fill_store "$db" "$n"
fi
# A token for each of k041..: a kiosk left by an earlier run is revoked and added again.
for i in $(seq 41 "$k"); do
  name=$(printf 'k%03d' "$i")
  "$store_bin" kiosk revoke "$name" --db "$db" >/dev/null 2>&1 || true
  "$store_bin" kiosk add "$name" --db "$db" | tail -n 1 >"$work/$name.token"
done
"$store_bin" staff remove bench --db "$db" >/dev/null 2>&1 || true
printf 'correct horse battery\n' | "$store_bin" staff add bench --db "$db" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$store_bin" serve --db "$db" --listen "127.0.0.1:$port" 2>"$work/serve.log" &
store_pid=$!
for _ in $(seq 1 3000); do  # the first start may add up every answer: minutes for 10,000,000
  curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
url=http://127.0.0.1:$port
sent=0
for f in "$work"/*.token; do
  [ -f "$f" ] || continue
  name=$(basename "$f" .token)
  body="{\"kiosk_id\":\"$name\",\"program_version\":\"0.9.$((RANDOM % 5))\",\"unsent\":$((RANDOM % 20)),\"rejected\":0,\"oldest_unsent_age_s\":$((RANDOM % 3600)),\"free_disk_bytes\":$((RANDOM * 100000)),\"last_error\":\"\",\"sent_at\":\"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)\"}"
  curl -sf -o /dev/null -H "Authorization: Bearer $(cat "$f")" -H 'Content-Type: application/json' -d "$body" "$url/v1/heartbeat" && sent=$((sent + 1))
done
jar=$work/jar
token=$(curl -s -c "$jar" -b "$jar" "$url/staff/login" | sed -n 's/.*name="form" value="\([^"]*\)".*/\1/p')
curl -s -c "$jar" -b "$jar" -o /dev/null -d "form=$token&name=bench&password=correct+horse+battery" "$url/staff/login"
status=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' "$url/staff/kiosks")
[ "$status" = 200 ] || { echo "the kiosks page answered $status after the login; the store's log:" >&2; tail "$work/serve.log" >&2; exit 1; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "store: $(sqlite3 "$db" 'SELECT count(*) FROM responses') answers, $(sqlite3 "$db" 'SELECT count(*) FROM kiosks') kiosks ($sent heartbeats sent now); commit $(git -C "$repo" rev-parse --short HEAD)"
for path in "/" "/staff/kiosks"; do
  times=()
  for r in $(seq 1 $((rounds + 2))); do
    t=$(curl -s -b "$jar" -o "$work/page" -w '%{time_total}' "$url$path")
    [ "$r" -gt 2 ] && times+=("$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')")
  done
  size=$(wc -c <"$work/page")
  printf '%s\n' "${times[@]}" | sort -g | awk -v path="$path" -v size="$size" '{ a[NR] = $1 } END {
    med = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    p90 = a[int(NR * 0.9 + 0.999)]
    printf "%-14s median %.1f ms, p90 %.1f ms, max %.1f ms over %d rounds; %d bytes\n", path, med, p90, a[NR], NR, size }'
done
