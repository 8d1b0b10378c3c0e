#!/usr/bin/env bash
# Indicators and exports at scale (issue 9), against the real lkp-store:
#  1. query: a SQLite store holding N answers (default 10,000,000) of the built-in survey, made by
#     fill_store (bench/fill_store.sh); `lkp-store indicators rebuild` adds them up (timed); then `lkp-store serve`
#     on loopback and bench/indicator_latency.py: R rounds (default 75) of four public routes, one
#     request at a time on one keep-alive connection, after 3 warm-up rounds. Prints the median,
#     p90, p99 and max per route (goal: p99 < 100 ms, aim < 10 ms).
#  2. exports: a store of exactly M answers (default 1,000,000). X rounds (default 5), alternating:
#     `lkp-store export responses --format csv --include-flagged` (every row) against
#     `sqlite3 -csv` of the same rows' columns written to a file, and, to show what the order costs,
#     sqlite3 with the export's WHERE and ORDER BY (rows in time order through the index
#     responses_by_time). Prints each round and the medians (goal: the export within 1.5x plain
#     sqlite3). Then the XLSX export, X times: wall time and peak RSS
#     (`/usr/bin/time -v`, Maximum resident set size).
# Usage: bench/indicators.sh [N=10000000] [R=75] [M=1000000] [X=5]     BUILD_DIR=build by default.
#   STEPS="query export" (the default) or either one alone. QUERY_DB=FILE keeps the 10,000,000-answer
#   store there (made when missing, reused when present, never removed) to compare builds quickly.
# The stores go in a temp folder under ${TMPDIR:-/tmp}, removed at the end: about 450 bytes per
# answer (4.5 GB for 10,000,000), checked with df first. The fill takes about 4 minutes and the
# rebuild about 3.5 minutes for 10,000,000 answers on the development VM; a round of the four
# routes about 4 s.
#
# The fill: see bench/fill_store.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
n=${1:-10000000} rounds=${2:-75} m=${3:-1000000} x=${4:-5}
steps=${STEPS:-query export}
store_bin=$build/bin/lkp-store
[ -x "$store_bin" ] || { echo "no $store_bin: build first (cmake --build $build -j2 --target lkp-store)" >&2; exit 1; }
for tool in sqlite3 python3 curl /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done

tmp=${TMPDIR:-/tmp}
need_kb=$(( (n + m) * 450 / 1024 + 1024 * 1024 ))  # the stores, plus 1 GiB for the exports
free_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "$tmp has $((free_kb / 1024)) MiB free; this needs about $((need_kb / 1024)) MiB (TMPDIR=... elsewhere)" >&2
  exit 1
fi
work=$(mktemp -d "$tmp/lkp-indicators-bench.XXXXXX")
store_pid=""
cleanup() {
  if [ -n "$store_pid" ]; then kill "$store_pid" 2>/dev/null || true; wait "$store_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
seconds_since() { awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.2f", (b - a) / 1e6 }'; }
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# shellcheck source=bench/fill_store.sh
source "$repo/bench/fill_store.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)," \
  "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "binaries: $build/bin, commit $(git -C "$repo" rev-parse --short HEAD); $(sqlite3 --version | cut -d' ' -f1-2)"
echo "temp folder: $work ($(df -PT "$tmp" | awk 'NR == 2 { print $2 " on " $1 }'))"

if [[ " $steps " == *" query "* ]]; then
  echo "== 1. indicator queries on a store of $n answers"
  db=${QUERY_DB:-$work/query.sqlite}
  if [ -n "${QUERY_DB:-}" ] && [ -f "$QUERY_DB" ]; then
    echo "reusing $QUERY_DB: $(sqlite3 "$db" 'SELECT count(*) FROM responses') answers"
  else
    t0=$(now_us)
    fill_store "$db" "$n"
    echo "fill: $n answers in $(seconds_since "$t0") s, $(($(stat -c %s "$db") / 1048576)) MiB"
    t0=$(now_us)
    /usr/bin/time -v "$store_bin" indicators rebuild --db "$db" >"$work/rebuild.log" 2>&1 ||
      { cat "$work/rebuild.log" >&2; exit 1; }
    echo "rebuild: $(head -n 1 "$work/rebuild.log") $(seconds_since "$t0") s," \
      "peak RSS $(awk '/Maximum resident/ { printf "%.0f MiB", $NF / 1024 }' "$work/rebuild.log")," \
      "$(sqlite3 "$db" 'SELECT count(*) FROM indicator_days') rows in indicator_days"
  fi
  port=$(free_port)
  "$store_bin" serve --listen "127.0.0.1:$port" --db "$db" 2>"$work/store.log" &
  store_pid=$!
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
    sleep 0.1
  done
  python3 "$repo/bench/indicator_latency.py" "http://127.0.0.1:$port" "$rounds" 3
  kill "$store_pid"; wait "$store_pid" 2>/dev/null || true; store_pid=""
  # The store's own time per request, from its log (the warm-up rounds included).
  awk '/GET \/v1\// && !/\/v1\/health/ { sub("ms", "", $NF); t[$3] = t[$3] " " $NF } END { for (p in t) print p, t[p] }' "$work/store.log" |
    while read -r path times; do
      # shellcheck disable=SC2086  # the times are words on purpose
      echo "store side, $path: median $(median $times) ms"
    done
  rm -f "$db" "$db-wal" "$db-shm"
fi

if [[ " $steps " == *" export "* ]]; then
  echo "== 2. exports of $m answers"
  db=$work/export.sqlite
  t0=$(now_us)
  fill_store "$db" "$m"
  echo "fill: $m answers in $(seconds_since "$t0") s, $(($(stat -c %s "$db") / 1048576)) MiB"
  columns="id, kiosk, location, survey_id, survey_version, language, submitted_at, district, answers, flags"
  plain="SELECT $columns FROM responses"
  # The export's own WHERE and ORDER BY (plan: SEARCH responses USING INDEX responses_by_time).
  ordered="$plain WHERE survey_id = 'helsingborg-lkp' AND submitted_at >= '' ORDER BY submitted_at"
  declare -a t_export t_plain t_ordered t_xlsx rss_csv rss_xlsx
  # timed OUT CMD...: runs CMD with stdout to OUT under /usr/bin/time -v; sets secs and rss_mib.
  timed() {
    local out=$1 t
    shift
    t=$(now_us)
    /usr/bin/time -v -o "$work/time.txt" "$@" >"$out"
    secs=$(seconds_since "$t")
    rss_mib=$(awk '/Maximum resident/ { printf "%.0f", $NF / 1024 }' "$work/time.txt")
  }
  for r in $(seq 1 "$x"); do
    rm -f "$work"/out.*
    timed /dev/null "$store_bin" export responses --format csv --include-flagged --out "$work/out.csv" --db "$db"
    t_export+=("$secs"); rss_csv+=("$rss_mib")
    rows=$(($(wc -l <"$work/out.csv") - 1)) csv_mib=$(($(stat -c %s "$work/out.csv") / 1048576))
    timed "$work/out.plain.csv" sqlite3 -csv "$db" "$plain"
    t_plain+=("$secs")
    timed "$work/out.ordered.csv" sqlite3 -csv "$db" "$ordered"
    t_ordered+=("$secs")
    echo "round $r: export csv ${t_export[-1]} s ($rows rows, $csv_mib MiB, peak RSS ${rss_csv[-1]} MiB)," \
      "sqlite3 -csv ${t_plain[-1]} s ($(wc -l <"$work/out.plain.csv") rows," \
      "$(($(stat -c %s "$work/out.plain.csv") / 1048576)) MiB), sqlite3 -csv ordered ${t_ordered[-1]} s"
  done
  me=$(median "${t_export[@]}") mp=$(median "${t_plain[@]}") mo=$(median "${t_ordered[@]}")
  echo "CSV, median of $x: export $me s, sqlite3 -csv $mp s, sqlite3 -csv with the export's ORDER BY $mo s;" \
    "export / sqlite3 = $(awk -v a="$me" -v b="$mp" 'BEGIN { printf "%.2f", a / b }') (goal <= 1.5)"
  for r in $(seq 1 "$x"); do
    rm -f "$work"/out.*
    timed /dev/null "$store_bin" export responses --format xlsx --include-flagged --out "$work/out.xlsx" --db "$db"
    t_xlsx+=("$secs"); rss_xlsx+=("$rss_mib")
    echo "round $r: export xlsx ${t_xlsx[-1]} s ($(($(stat -c %s "$work/out.xlsx") / 1048576)) MiB)," \
      "peak RSS ${rss_xlsx[-1]} MiB"
  done
  echo "XLSX, median of $x: $(median "${t_xlsx[@]}") s, peak RSS $(median "${rss_xlsx[@]}") MiB" \
    "(CSV's peak RSS: $(median "${rss_csv[@]}") MiB)"
fi
